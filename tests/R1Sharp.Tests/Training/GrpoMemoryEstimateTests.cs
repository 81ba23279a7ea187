using R1Sharp.Models;
using R1Sharp.Rewards.Composition;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Tests.Training;

/// <summary>Issue 21 #4: the memory of a GRPO step is estimated up front, and the defaults fit a 24 GiB machine.</summary>
public sealed class GrpoMemoryEstimateTests
{
    private const long GiB = 1L << 30;

    private static readonly ModelConfig Tiny = new()
    {
        ModelType = ModelConfig.Qwen2,
        VocabSize = 100,
        HiddenSize = 8,
        IntermediateSize = 16,
        NumHiddenLayers = 2,
        NumAttentionHeads = 2,
        NumKeyValueHeads = 1,
    };

    /// <summary>The model of the report: Qwen's 151,936-id vocabulary at width 128, 4 layers — about 20M parameters, almost all embedding.</summary>
    private static readonly ModelConfig TwentyMillionQwenVocabulary = new()
    {
        ModelType = ModelConfig.Qwen2,
        VocabSize = 151_936,
        HiddenSize = 128,
        IntermediateSize = 512,
        NumHiddenLayers = 4,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        TieWordEmbeddings = true,
    };

    [Fact]
    public void WithLoraOnlyTheAdaptersTrainAndNoReferenceIsLoaded()
    {
        var options = new GrpoOptions { PromptsPerStep = 2, NumGenerations = 2, MaxPromptLength = 6, MaxCompletionLength = 4, Beta = 0.04, Dtype = TrainingPrecision.Bf16, UsePeft = true };
        var lora = GrpoMemoryEstimate.Compute(1000, Tiny, options, trainableParameters: 50);
        Assert.Equal(1000 * 2 + 50 * 4, lora.WeightsBytes); // bf16 base + float32 adapters
        Assert.Equal(50 * 4, lora.GradientsBytes);
        Assert.Equal(2 * 50 * 4, lora.OptimizerBytes);
        Assert.Equal(0, lora.ReferenceBytes); // π_ref is the base with its adapters off
        var full = GrpoMemoryEstimate.Compute(1000, Tiny, options with { UsePeft = false });
        Assert.Equal(1000 * 2, full.ReferenceBytes);
        Assert.Equal(full.ActivationsBytes, lora.ActivationsBytes);
    }

    [Fact]
    public void EachPartIsTheHandComputedProduct()
    {
        var options = new GrpoOptions { PromptsPerStep = 2, NumGenerations = 2, GradientAccumulationSteps = 2, MaxPromptLength = 6, MaxCompletionLength = 4, Beta = 0.001 };
        var estimate = GrpoMemoryEstimate.Compute(1000, Tiny, options);
        Assert.Equal(2, estimate.MicroBatchCompletions);        // 4 completions / 2 micro-batches
        Assert.Equal(4_000, estimate.WeightsBytes);             // 1000 × 4 B
        Assert.Equal(4_000, estimate.GradientsBytes);
        Assert.Equal(8_000, estimate.OptimizerBytes);           // two moments
        Assert.Equal(4_000, estimate.ReferenceBytes);           // β > 0
        Assert.Equal(32_000, estimate.ActivationsBytes);        // 2 rows × 10 positions × 2 layers × (12·8 + 4·16 + 2·2·10) × 4 B
        Assert.Equal(9_600, estimate.LogitsBytes);              // 3 × 2 rows × 4 completion positions × 100 ids × 4 B
        Assert.Equal(2_560, estimate.RolloutCacheBytes);        // 2 × 2 layers × 4 sequences × 10 positions × 1 kv head × 4 dims × 4 B
        Assert.Equal(64_160, estimate.TotalBytes);
    }

    [Fact]
    public void Bf16HalvesTheValuesAndBetaZeroLoadsNoReference()
    {
        var options = new GrpoOptions { PromptsPerStep = 2, NumGenerations = 2, GradientAccumulationSteps = 3, MaxPromptLength = 6, MaxCompletionLength = 4, Beta = 0, Dtype = TrainingPrecision.Bf16 };
        var estimate = GrpoMemoryEstimate.Compute(1000, Tiny, options);
        Assert.Equal(2, estimate.MicroBatchCompletions);        // ⌈4 / 3⌉
        Assert.Equal(0, estimate.ReferenceBytes);
        Assert.Equal(2_000 + 2_000 + 4_000 + 16_000 + 9_600 + 1_280, estimate.TotalBytes);
        Assert.Equal(1, GrpoMemoryEstimate.Compute(1000, Tiny, options with { GradientAccumulationSteps = 100 }).MicroBatchCompletions);
    }

    [Fact]
    public void TheDefaultsFitIn24GiBForA20MParameterQwenVocabularyModelAndTheOldDefaultDidNot()
    {
        var defaults = GrpoMemoryEstimate.Compute(20_000_000, TwentyMillionQwenVocabulary, new GrpoOptions());
        Assert.Equal(8, defaults.MicroBatchCompletions);
        Assert.True(defaults.TotalBytes < 24 * GiB, defaults.ToString());
        var old = GrpoMemoryEstimate.Compute(20_000_000, TwentyMillionQwenVocabulary, new GrpoOptions { GradientAccumulationSteps = 1, LogprobChunkSize = 0 });
        Assert.True(old.TotalBytes > 24 * GiB, old.ToString());
    }

    [Fact]
    public void ChunkedLogProbsAndCheckpointingShrinkTheirTerms()
    {
        var options = new GrpoOptions { PromptsPerStep = 2, NumGenerations = 2, GradientAccumulationSteps = 2, MaxPromptLength = 6, MaxCompletionLength = 4, LogprobChunkSize = 3 };
        var estimate = GrpoMemoryEstimate.Compute(1000, Tiny, options);
        Assert.Equal(3_600, estimate.LogitsBytes);              // 3 × 3 positions (not 2 rows × 4) × 100 ids × 4 B
        var checkpointed = GrpoMemoryEstimate.Compute(1000, Tiny, options with { GradientCheckpointing = true });
        Assert.Equal(17_280, checkpointed.ActivationsBytes);    // 2 rows × 10 positions × (2 layers × 8 hidden × 4 B + (12·8 + 4·16 + 2·2·10) × 4 B)
        var qwen = new GrpoOptions { GradientAccumulationSteps = 1, LogprobChunkSize = 0 };
        Assert.True(GrpoMemoryEstimate.Compute(20_000_000, TwentyMillionQwenVocabulary, qwen with { LogprobChunkSize = 1024, GradientCheckpointing = true }).TotalBytes
            < GrpoMemoryEstimate.Compute(20_000_000, TwentyMillionQwenVocabulary, qwen).TotalBytes / 4);
    }

    [Fact]
    public async Task MemoryOptionsAreReadByTheirKeysValidatedAndMayChangeOnResume()
    {
        var options = await GrpoOptionsFile.LoadAsync(null, ["logprob_chunk_size=256", "gradient_checkpointing=true"]);
        Assert.Equal(256, options.LogprobChunkSize);
        Assert.True(options.GradientCheckpointing);
        Assert.Equal(256, new GrpoOptions().LogprobChunkSize);
        Assert.False(new GrpoOptions().GradientCheckpointing);
        Assert.Contains(GrpoOptionsValidator.Problems(new GrpoOptions { LogprobChunkSize = -1 }), p => p.StartsWith("logprob_chunk_size", StringComparison.Ordinal));
        Assert.Contains("logprob_chunk_size", GrpoTrainer.SettingsThatMayChange);
        Assert.Contains("gradient_checkpointing", GrpoTrainer.SettingsThatMayChange);
    }

    [Fact]
    public void TheRefusalGivesTheEstimateAndNamesTheSettingsToLower()
    {
        var estimate = GrpoMemoryEstimate.Compute(20_000_000, TwentyMillionQwenVocabulary, new GrpoOptions { GradientAccumulationSteps = 1, LogprobChunkSize = 0 });
        estimate.ThrowIfAbove(estimate.TotalBytes);
        var error = Assert.Throws<ConfigurationException>(() => estimate.ThrowIfAbove(24 * GiB));
        Assert.Contains(estimate.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("24.0 GiB available", error.Message, StringComparison.Ordinal);
        foreach (var name in new[] { "gradient_accumulation_steps", "gradient_checkpointing", "logprob_chunk_size", "max_completion_length", "prompts_per_step", "num_generations", "skip_memory_check" })
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTrainerRefusesAnImpossibleBatchBeforeTheFirstStepUnlessTheCheckIsSkipped()
    {
        string dir = Path.Combine(Path.GetTempPath(), "r1-memory-" + Guid.NewGuid().ToString("N"));
        // 10⁷ completions of 10⁵ tokens: petabytes of logits and activations, beyond any machine.
        var impossible = ToyGrpo.Options(1) with { PromptsPerStep = 10_000, NumGenerations = 1_000, MaxCompletionLength = 100_000 };
        var (policy, reference) = ToyGrpo.Models();
        using (policy)
        using (reference)
        {
            GrpoTrainer Create(GrpoOptions options) => new(policy, reference, new ToyGrpo.LetterTokenizer(), new InProcessRolloutEngine(policy),
                new RewardComposer([new WeightedReward(new ToyGrpo.StartsWithA())]), new ToyGrpo.FixedPrompts(), options, new HuggingFacePolicyCheckpoint(policy), dir);
            var error = Assert.Throws<ConfigurationException>(() => Create(impossible));
            Assert.Contains("skip_memory_check", error.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(dir));
            Assert.NotNull(Create(impossible with { SkipMemoryCheck = true }));
        }
    }

    [Fact]
    public async Task SkipMemoryCheckIsAnOptionAResumeMayChange()
    {
        var options = await GrpoOptionsFile.LoadAsync(null, ["skip_memory_check=true"]);
        Assert.True(options.SkipMemoryCheck);
        Assert.Contains("skip_memory_check", GrpoTrainer.SettingsThatMayChange);
        Assert.Equal(16, new GrpoOptions().MicroBatchCount());
        Assert.Empty(GrpoOptionsValidator.Problems(new GrpoOptions { PromptsPerStep = 1, NumGenerations = 2 }));
        Assert.Equal(4, new R1Sharp.Training.Zero.ZeroOptions().Grpo.MicroBatchCount()); // r1 zero: two micro-batches per worker
    }
}
