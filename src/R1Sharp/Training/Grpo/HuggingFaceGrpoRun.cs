using R1Sharp.Checkpoints;
using R1Sharp.Data;
using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Rewards;
using R1Sharp.Rewards.Accuracy;
using R1Sharp.Rewards.Composition;
using R1Sharp.Tasks;
using R1Sharp.Text.Templates;
using R1Sharp.Text.Tokenization;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Rollouts;
using R1Sharp.Training.Configuration;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// <c>r1 grpo</c> in the library: loads a Hugging Face checkpoint and its tokenizer, a data set, the reward
/// functions, and runs <see cref="GrpoTrainer"/>. Checkpoints are Hugging Face directories with the tokenizer
/// files copied in, so each one is a complete model.
/// </summary>
public static class HuggingFaceGrpoRun
{
    private static readonly string[] TokenizerFiles =
        ["tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json", "chat_template.jinja"];

    private static readonly string[] DefaultPromptFields = ["prompt", "problem", "question"];

    /// <summary>Runs the request.</summary>
    /// <exception cref="ConfigurationException">Invalid options or reward list (the message names the option).</exception>
    public static async Task<GrpoRunResult> RunAsync(GrpoRunRequest request, IProgress<GrpoProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options;
        GrpoOptionsValidator.ThrowIfInvalid(options, "r1 grpo");
        var device = DeviceSelection.Parse(options.Device);
        var dtype = options.Dtype == TrainingPrecision.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32;

        if (request.Resume && request.Overwrite)
            throw new ConfigurationException("--resume and --overwrite contradict each other: resume continues the run in the folder, overwrite deletes it.");
        if (!request.Resume) FreshStart.Prepare(request.OutputDirectory, request.Overwrite);

        var rows = await DatasetReader.ReadAllAsync(request.DataPath, cancellationToken).ConfigureAwait(false);
        var tokenizer = HuggingFaceTokenizer.Load(request.ModelDirectory);
        Func<string, string> template = R1ZeroTemplate.Format;
        if (request.Template == PromptTemplateKind.Chat)
        {
            var chat = ChatTemplate.Load(request.ModelDirectory);
            template = q => chat.RenderPrompt(q, new ChatTemplateOptions { AddGenerationPrompt = true });
        }
        var prompts = new DatasetPromptSource(rows, row => template(Question(row, request.PromptField)), options.Seed);
        var rewards = Rewards(request.RewardSpec, options);

        var (policy, _) = HuggingFaceCheckpoint.Load(request.ModelDirectory, device, dtype);
        using (policy)
        {
            CausalLanguageModel? reference = null;
            if (options.Beta > 0)
            {
                reference = HuggingFaceCheckpoint.Load(request.ModelDirectory, device, dtype).Model;
                foreach (var p in reference.parameters()) p.requires_grad = false;
                reference.eval();
            }
            using (reference)
            {
                var generation = File.Exists(Path.Combine(request.ModelDirectory, "generation_config.json"))
                    ? GenerationConfig.Load(Path.Combine(request.ModelDirectory, "generation_config.json"))
                    : new GenerationConfig { EosTokenIds = tokenizer.EosIds };
                var weights = new HuggingFacePolicyCheckpoint(policy, generation, dir => CopyTokenizerFiles(request.ModelDirectory, dir));
                IRolloutEngine rollouts = request.RemoteRollouts is { Endpoints.Count: > 0 } remote
                    ? new RemoteRolloutEngine(remote with { WeightsDirectory = remote.WeightsDirectory ?? Path.Combine(request.OutputDirectory, "rollout-weights") },
                        tokenizer, (dir, ct) => weights.SaveAsync(dir, ct))
                    : new InProcessRolloutEngine(policy);
                try
                {
                    var otherSettings = new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["reward"] = request.RewardSpec,
                        ["template"] = request.Template.ToString(),
                        ["prompt_field"] = request.PromptField ?? "",
                    };
                    var trainer = new GrpoTrainer(policy, reference, tokenizer, rollouts, rewards, prompts, options, weights, request.OutputDirectory, otherSettings);
                    return await trainer.RunAsync(request.Resume, null, progress, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    (rollouts as IDisposable)?.Dispose();
                }
            }
        }
    }

    private static string Question(DatasetRow row, string? field)
    {
        if (field is not null) return row.RequireString(field);
        foreach (var name in DefaultPromptFields)
            if (row.GetString(name) is { } text) return text;
        throw new DatasetFormatException(row.Source, row.Number, $"no prompt field (looked for {string.Join(", ", DefaultPromptFields)}; choose one with --prompt-field)");
    }

    private static RewardScorer Rewards(string spec, GrpoOptions options)
    {
        var registry = RewardRegistry.CreateDefault();
        if (!registry.Contains("accuracy"))
            registry.Register("accuracy", "1 when the final answer is mathematically equivalent to the row's gold answer, else 0", _ => new AccuracyReward());
        try
        {
            var weighted = registry.CreateWeighted(RewardSpec.ParseList(spec));
            var weights = weighted.GroupBy(w => w.Function.Name).ToDictionary(g => g.Key, g => g.First().Weight);
            foreach (var (name, weight) in options.RewardWeights) weights[name] = weight;
            return new RewardScorer(weighted.Select(w => w.Function).ToList(), weights);
        }
        catch (RewardConfigurationException e)
        {
            throw new ConfigurationException($"--reward '{spec}': {e.Message}", e);
        }
    }

    private static void CopyTokenizerFiles(string from, string to)
    {
        foreach (var name in TokenizerFiles)
        {
            string source = Path.Combine(from, name);
            if (File.Exists(source)) File.Copy(source, Path.Combine(to, name), overwrite: true);
        }
    }
}
