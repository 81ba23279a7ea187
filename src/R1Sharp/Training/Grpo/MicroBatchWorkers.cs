using R1Sharp.Training.Configuration;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// How many threads train a GRPO step's micro-batches at once (<c>micro_batch_workers</c>, issue 18;
/// <see cref="Optimization.ConcurrentMicroBatches"/>). One where the micro-batches' backwards must run in turn: bf16
/// sums each micro-batch into the float32 masters, activation checkpointing back-propagates into <c>.grad</c> from inside
/// the backward, MoE routing terms keep statistics between micro-batches, and the rollout correction gathers its mismatch
/// statistics as the micro-batches go. Otherwise the option's count, or with 0 one per core that torch's threads leave
/// free, at most 2, and 1 when several ranks share the machine (each rank is a core already).
/// </summary>
public static class MicroBatchWorkers
{
    /// <summary>The workers of a step.</summary>
    /// <param name="options">Reads <c>micro_batch_workers</c>, <c>bf16</c> and <c>gradient_checkpointing</c>.</param>
    /// <param name="microBatches">Micro-batches of the step on this rank.</param>
    /// <param name="ranks">Ranks of the run.</param>
    /// <param name="inTurnOnly">True when the step has MoE routing terms or applies the rollout importance correction.</param>
    /// <param name="cores">Cores of the machine.</param>
    /// <param name="torchThreads">Threads of torch's intra-op pool.</param>
    public static int For(GrpoOptions options, int microBatches, int ranks, bool inTurnOnly, int cores, int torchThreads)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (microBatches < 2 || inTurnOnly || options.Bf16 || options.GradientCheckpointing) return 1;
        if (options.MicroBatchWorkers > 0) return Math.Min(options.MicroBatchWorkers, microBatches);
        return ranks > 1 ? 1 : Math.Clamp(cores / Math.Max(1, torchThreads), 1, Math.Min(2, microBatches));
    }
}
