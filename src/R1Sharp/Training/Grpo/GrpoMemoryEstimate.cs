using System.Globalization;
using R1Sharp.Models;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// Peak memory of one GRPO step, estimated before the first step from the model's shape and the options, so that a
/// batch that cannot fit is refused with a message instead of being killed by the kernel halfway through a step.
/// An estimate, not a measurement: it counts the large tensors and leaves out allocator slack and small temporaries.
/// <list type="bullet">
/// <item>weights, gradients, AdamW's two moments and the frozen reference copy (when β &gt; 0): parameters × bytes per value (4 fp32, 2 bf16);
/// with LoRA, gradients and moments only for the adapters (float32) and no reference copy (π_ref is the base with adapters off);</item>
/// <item>activations kept for the backward pass of one micro-batch: rows × (max_prompt_length + max_completion_length)
/// positions × layers × ((12 × hidden + 4 × intermediate) values + 2 attention-weight rows of heads × positions);
/// with <c>gradient_checkpointing</c>, only each layer's input (hidden values per position and layer) plus one layer's
/// full activations;</item>
/// <item>logits of one micro-batch: 3 × rows × max_completion_length × vocab float32 values (the logits, the softmax
/// of the log-prob's backward pass, the logits' gradient) — with a 150k vocabulary, this term dominates; with
/// <c>logprob_chunk_size</c> &gt; 0, at most that many positions' logits exist at once instead of rows × max_completion_length;</item>
/// <item>the rollout KV cache: 2 × layers × sequences generated at once × positions × kv heads × head dim.</item>
/// </list>
/// issue 18: <c>bf16: true</c> adds the bf16 training copy (2 bytes per weight, and per trained weight for its gradient), keeps
/// activations and the reference (unless <c>sync_ref_model</c>) in bf16; <c>rollout_dtype: bfloat16</c> without it adds a
/// bf16 rollout copy, whose KV cache is bf16.
/// A micro-batch holds ⌈prompts_per_step × num_generations / gradient_accumulation_steps⌉ completions.
/// With <c>micro_batch_workers</c> W &gt; 1, W micro-batches' activations and logits exist at once, and every worker but
/// the first sums its gradients into a buffer of its own (one more gradient copy each).
/// </summary>
/// <param name="WeightsBytes">The policy's weights.</param>
/// <param name="GradientsBytes">Their gradients.</param>
/// <param name="OptimizerBytes">AdamW's first and second moments.</param>
/// <param name="ReferenceBytes">The frozen reference model (0 when β = 0 or with LoRA: none is loaded).</param>
/// <param name="ActivationsBytes">Activations of one micro-batch kept for the backward pass.</param>
/// <param name="LogitsBytes">Logits, log-softmax and logits' gradient of one micro-batch.</param>
/// <param name="RolloutCacheBytes">KV cache of in-process generation.</param>
/// <param name="MicroBatchCompletions">Completions per micro-batch.</param>
/// <param name="Workers">Micro-batches trained at once (<see cref="Optimization.MicroBatchWorkers"/>); activations, logits and the
/// gradients' buffers above are for all of them.</param>
public sealed record GrpoMemoryEstimate(long WeightsBytes, long GradientsBytes, long OptimizerBytes, long ReferenceBytes,
    long ActivationsBytes, long LogitsBytes, long RolloutCacheBytes, int MicroBatchCompletions, int Workers = 1)
{
    private const double GiB = 1024.0 * 1024 * 1024;

    /// <summary>Everything together: the estimated peak.</summary>
    public long TotalBytes => WeightsBytes + GradientsBytes + OptimizerBytes + ReferenceBytes + ActivationsBytes + LogitsBytes + RolloutCacheBytes;

    /// <summary>The estimate for a model of <paramref name="parameters"/> parameters shaped as <paramref name="model"/>, trained with <paramref name="options"/>.</summary>
    /// <param name="parameters">All parameters of the policy (its weights).</param>
    /// <param name="model">Vocabulary, width, depth and heads of the policy.</param>
    /// <param name="options">Batch shape, lengths, β, dtype and LoRA of the run.</param>
    /// <param name="trainableParameters">Parameters that get gradients and AdamW state (LoRA: the adapters, float32); null = all.</param>
    /// <param name="workers">Micro-batches trained at once (<see cref="Optimization.MicroBatchWorkers.For"/>); default 1.</param>
    public static GrpoMemoryEstimate Compute(long parameters, ModelConfig model, GrpoOptions options, long? trainableParameters = null, int workers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        long value = options.Dtype == TrainingPrecision.Bf16 ? 2 : 4;
        long trainable = trainableParameters ?? parameters;
        long trainedValue = options.UsePeft ? 4 : value; // adapters are float32 whatever the base dtype
        long completions = (long)options.PromptsPerStep * options.NumGenerations;
        long microBatches = options.MicroBatchCount();
        long rows = (completions + microBatches - 1) / microBatches;
        long positions = (long)options.MaxPromptLength + options.MaxCompletionLength;
        // issue 18: the bf16 copies of bf16 / rollout_dtype, and what they store in bf16.
        long compute = options.Bf16 ? 2 : value, sampler = options.RolloutDtype == RolloutDtype.Bfloat16 ? 2 : value;
        long copies = (options.Bf16 ? 1 : 0) + (options.RolloutDtype == RolloutDtype.Bfloat16 && !options.Bf16 && value == 4 ? 1 : 0);
        long perPositionAndLayer = (12L * model.HiddenSize + 4L * model.IntermediateSize + 2L * model.NumAttentionHeads * positions) * compute;
        long generatedAtOnce = Math.Min(completions, InProcessRolloutEngine.DefaultMaxBatchSize);
        return new GrpoMemoryEstimate(
            WeightsBytes: parameters * value + copies * parameters * 2 + (options.UsePeft ? trainable * 4 : 0),
            GradientsBytes: workers * trainable * trainedValue + (options.Bf16 && !options.UsePeft ? trainable * 2 : 0),
            OptimizerBytes: 2 * trainable * trainedValue,
            ReferenceBytes: options.Beta > 0 && !options.UsePeft ? parameters * (options.Bf16 && !options.SyncRefModel ? 2 : value) : 0, // LoRA: π_ref is the base with adapters off
            ActivationsBytes: workers * (options.GradientCheckpointing
                ? rows * positions * (model.NumHiddenLayers * model.HiddenSize * compute + perPositionAndLayer)
                : rows * positions * model.NumHiddenLayers * perPositionAndLayer),
            LogitsBytes: workers * 3 * LogitPositions(rows * options.MaxCompletionLength, options.LogprobChunkSize) * model.VocabSize * 4L,
            RolloutCacheBytes: (long)model.NumHiddenLayers * generatedAtOnce * positions * model.KvCacheWidth * sampler,
            MicroBatchCompletions: (int)rows,
            Workers: workers);
    }

    private static long LogitPositions(long positions, int chunkSize) => chunkSize > 0 ? Math.Min(positions, chunkSize) : positions;

    /// <summary>One line: the total and its parts, in GiB.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{TotalBytes / GiB:0.0} GiB (weights {WeightsBytes / GiB:0.00}, gradients {GradientsBytes / GiB:0.00}, AdamW {OptimizerBytes / GiB:0.00}, " +
        $"reference {ReferenceBytes / GiB:0.00}, activations {ActivationsBytes / GiB:0.00}, logits {LogitsBytes / GiB:0.00}, rollout KV cache {RolloutCacheBytes / GiB:0.00} GiB; " +
        $"{MicroBatchCompletions} completions per micro-batch{(Workers > 1 ? $", {Workers} at once" : "")})");

    /// <summary>Refuses a run whose estimate exceeds <paramref name="availableBytes"/>, naming the settings that lower it.</summary>
    /// <param name="availableBytes">Memory the process may use (e.g. <see cref="GC.GetGCMemoryInfo()"/>'s TotalAvailableMemoryBytes).</param>
    /// <exception cref="ConfigurationException">The estimate is above <paramref name="availableBytes"/>.</exception>
    public void ThrowIfAbove(long availableBytes)
    {
        if (TotalBytes <= availableBytes) return;
        throw new ConfigurationException(string.Create(CultureInfo.InvariantCulture,
            $"a GRPO step needs an estimated {this}, more than the {availableBytes / GiB:0.0} GiB available. ") +
            "Raise gradient_accumulation_steps (fewer completions per micro-batch), set micro_batch_workers: 1 (one micro-batch at a time) or gradient_checkpointing: true or a smaller logprob_chunk_size, or lower max_completion_length, " +
            "prompts_per_step, num_generations or max_prompt_length; set skip_memory_check: true to start anyway.");
    }
}
