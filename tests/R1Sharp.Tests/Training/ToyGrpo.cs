using System.Text.Json;
using R1Sharp.Models;
using R1Sharp.Rewards;
using R1Sharp.Text;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Rollouts;
using TorchSharp;
using R1Sharp.Rewards.Composition;

namespace R1Sharp.Tests.Training;

/// <summary>
/// A toy GRPO problem small enough for unit tests: letters a–h as tokens, every prompt "h?", and a reward of 1 for
/// completions that start with 'a'. The expected reward is then exactly p(a | prompt), readable from the logits.
/// </summary>
internal static class ToyGrpo
{
    public sealed class LetterTokenizer : ITextTokenizer
    {
        public int VocabSize => 12;
        public int? BosId => null;
        public IReadOnlyList<int> EosIds { get; } = [1];
        public int PadId => 0;
        public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false) => text.Select(c => c - 'a' + 2).ToArray();
        public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) =>
            new(ids.Where(i => i >= 2).Select(i => (char)('a' + i - 2)).ToArray());
    }

    public sealed class StartsWithA : IRewardFunction
    {
        public string Name => "starts_with_a";
        public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<double?>(input.Completion.StartsWith('a') ? 1.0 : 0.0);
    }

    public sealed class FixedPrompts : IPromptSource
    {
        public PromptRow Get(long position) => new("h" + (char)('b' + position % 3), new Dictionary<string, JsonElement>());
    }

    public static ModelConfig Config() => new()
    {
        ModelType = ModelConfig.Qwen2,
        VocabSize = 12,
        HiddenSize = 32,
        IntermediateSize = 64,
        NumHiddenLayers = 1,
        NumAttentionHeads = 2,
        NumKeyValueHeads = 1,
        MaxPositionEmbeddings = 64,
        TieWordEmbeddings = true,
        EosTokenIds = [1],
    };

    public static GrpoOptions Options(int steps) => new()
    {
        NumGenerations = 8,
        PromptsPerStep = 4,
        MaxSteps = steps,
        MaxCompletionLength = 4,
        LearningRate = 2e-2,
        Beta = 0.01,
        SaveSteps = 1,
        SaveTotalLimit = 0,
        Seed = 5,
    };

    /// <summary>p('a' first | prompt) averaged over the three prompts: the exact expected reward.</summary>
    public static double ExpectedReward(CausalLanguageModel model)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var tok = new LetterTokenizer();
        double sum = 0;
        var source = new FixedPrompts();
        for (int i = 0; i < 3; i++)
        {
            var ids = tok.Encode(source.Get(i).Prompt).Select(x => (long)x).ToArray();
            var logits = model.Forward(torch.tensor(ids, [1, ids.Length]));
            sum += logits[0, -1].softmax(-1)[tok.Encode("a")[0]].item<float>();
        }
        return sum / 3;
    }

    public static GrpoTrainer Trainer(CausalLanguageModel policy, CausalLanguageModel reference, GrpoOptions options, string dir, RewardComposer? rewards = null) =>
        new(policy, reference, new LetterTokenizer(), new InProcessRolloutEngine(policy),
            rewards ?? new RewardComposer([new WeightedReward(new StartsWithA())]), new FixedPrompts(), options,
            new HuggingFacePolicyCheckpoint(policy), dir);

    /// <summary>Policy and frozen reference with the same weights, of <see cref="Config"/> or of <paramref name="config"/>.</summary>
    public static (CausalLanguageModel Policy, CausalLanguageModel Reference) Models(ModelConfig? config = null)
    {
        config ??= Config();
        var policy = CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, 3);
        var reference = CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, 3);
        foreach (var p in reference.parameters()) p.requires_grad = false;
        return (policy, reference);
    }

    /// <summary>A run of <paramref name="options"/> from <see cref="Models"/> in <paramref name="dir"/>: the policy's final
    /// weights (copies) and the last step's metrics.</summary>
    public static async Task<(Dictionary<string, torch.Tensor> Weights, IReadOnlyDictionary<string, double> Metrics)> TrainAsync(GrpoOptions options, string dir)
    {
        var (policy, reference) = Models();
        using (policy)
        using (reference)
        {
            await Trainer(policy, reference, options, dir).RunAsync(resume: false);
            var weights = policy.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
            var metrics = R1Sharp.Training.Metrics.MetricsLog.ReadJsonl(Path.Combine(dir, R1Sharp.Training.Metrics.MetricsLog.JsonlFileName));
            return (weights, metrics[^1].Values);
        }
    }
}
