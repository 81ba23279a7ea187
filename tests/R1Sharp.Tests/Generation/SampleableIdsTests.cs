using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;
using R1Sharp.Tasks;
using R1Sharp.Text;
using R1Sharp.Tests.Training;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Metrics;
using R1Sharp.Training.Rollouts;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Generation;

/// <summary>
/// Issue 21 #3: an embedding wider than the tokenizer (Qwen: 151,936 rows, 151,665 tokens) must never make a sampler
/// emit an id the tokenizer lacks. The model here has 12 ids, the tokenizer 10, and ids 10 and 11 are biased to win.
/// </summary>
public sealed class SampleableIdsTests : IDisposable
{
    private const int TokenizerSize = 10;
    private static readonly IReadOnlyList<int>[] Prompts = [[3, 4], [5], [2, 9, 7], [8, 8, 8]];
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-padding-ids").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MaskSetsEveryIdPastTheTokenizerToMinusInfinity()
    {
        using var logits = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6 }, [2, 6]);
        using var masked = new SampleableIds(4).Mask(logits);
        float[] values = masked.data<float>().ToArray();
        Assert.Equal([1f, 2, 3, 4, float.NegativeInfinity, float.NegativeInfinity, -1, -2, -3, -4, float.NegativeInfinity, float.NegativeInfinity], values);
        Assert.Same(logits, new SampleableIds(6).Mask(logits));
        Assert.Equal(5f, logits[0, 4].item<float>());
    }

    [Fact]
    public void TheBiasedModelPicksPaddingIdsUnlessTheyAreMasked()
    {
        using var model = PaddingBiasedModel();
        var generator = new BatchedGenerator(model);
        var unmasked = generator.Generate(Prompts, new SamplingOptions { MaxNewTokens = 6, Seed = 3 });
        Assert.Contains(unmasked, s => s.Tokens.Any(id => id >= TokenizerSize));

        var sampleable = new SampleableIds(TokenizerSize);
        foreach (var options in new[] { new SamplingOptions { MaxNewTokens = 6, Seed = 3 }, new SamplingOptions { MaxNewTokens = 6, Temperature = 0 } })
        {
            var results = generator.Generate(Prompts, options with { SampleableIds = sampleable });
            Assert.All(results, s => Assert.All(s.Tokens, id => Assert.InRange(id, 0, TokenizerSize - 1)));
            Assert.All(results, s => Assert.All(s.LogProbs, lp => Assert.True(float.IsFinite(lp))));
        }
    }

    [Fact]
    public async Task AGrpoStepOnAModelWiderThanItsTokenizerSamplesOnlyTokenizerIds()
    {
        using var policy = PaddingBiasedModel();
        using var reference = PaddingBiasedModel();
        foreach (var p in reference.parameters()) p.requires_grad = false;
        var tokenizer = new StrictTokenizer();
        var trainer = new GrpoTrainer(policy, reference, tokenizer, new InProcessRolloutEngine(policy),
            new RewardComposer([new WeightedReward(new ToyGrpo.StartsWithA())]), new ToyGrpo.FixedPrompts(),
            ToyGrpo.Options(1) with { SaveSteps = 0 }, new HuggingFacePolicyCheckpoint(policy), _dir);

        var result = await trainer.RunAsync(resume: false);

        Assert.Equal(1, result.Steps);
        Assert.True(tokenizer.DecodedIds > 0);
        var metrics = MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName));
        Assert.Single(metrics);
    }

    [Fact]
    public void DecodingAnIdPastTheVocabularyGivesNothing()
    {
        var tokenizer = new TaskTokenizer();
        var ids = tokenizer.Encode("1+2");
        Assert.Equal("1+2", tokenizer.Decode([.. ids, tokenizer.VocabSize, tokenizer.VocabSize + 270]));
    }

    /// <summary>
    /// ToyGrpo's shape with 12 ids: only hidden dimension 0 reaches the head, and the head maps it to +100 for id 10
    /// and -100 for id 11, 0 for every other id, so whatever the sign of the hidden state a padding id wins.
    /// </summary>
    private static CausalLanguageModel PaddingBiasedModel()
    {
        var model = CausalLanguageModel.Create(ToyGrpo.Config() with { TieWordEmbeddings = false }, torch.CPU, ScalarType.Float32, 3);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (torch.no_grad())
        {
            var norm = parameters["model.norm.weight"];
            norm.zero_();
            norm[0] = 1f;
            var head = parameters["lm_head.weight"];
            head.zero_();
            head[TokenizerSize, 0] = 100f;
            head[TokenizerSize + 1, 0] = -100f;
        }
        return model;
    }

    /// <summary>The toy letters, with the old strictness: decoding an id the tokenizer lacks throws.</summary>
    private sealed class StrictTokenizer : ITextTokenizer
    {
        private readonly ToyGrpo.LetterTokenizer _letters = new();

        public int DecodedIds { get; private set; }
        public int VocabSize => TokenizerSize;
        public int? BosId => null;
        public IReadOnlyList<int> EosIds => _letters.EosIds;
        public int PadId => 0;
        public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false) => _letters.Encode(text, addSpecialTokens);

        public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
        {
            var list = ids.ToList();
            var unknown = list.Where(id => id >= TokenizerSize).ToList();
            if (unknown.Count > 0) throw new ArgumentOutOfRangeException(nameof(ids), $"token id {unknown[0]} is not in the vocabulary (size {TokenizerSize})");
            DecodedIds += list.Count;
            return _letters.Decode(list, skipSpecialTokens);
        }
    }
}
