namespace R1Sharp.Training.Optimization;

/// <summary>
/// How many threads train a step's micro-batches at once (<c>micro_batch_workers</c> of GRPO and SFT, issue 18;
/// <see cref="ConcurrentMicroBatches"/>): the option's count, or with 0 one per core that torch's threads leave free, at
/// most 2. The automatic count is 1 where a second worker would not add a core: several ranks on the machine (each rank
/// is a core already) or a GPU (whose kernels one thread already queues). Always 1 where the micro-batches' backwards
/// must run in turn: activation checkpointing back-propagates into <c>.grad</c> from inside the backward, MoE routing terms keep statistics between micro-batches, and GRPO's rollout
/// correction gathers its mismatch statistics as the micro-batches go. bf16 mixed precision shares them: each worker
/// sums its bf16 gradients into float32 buffers of its own (<see cref="WorkerGradients"/>).
/// </summary>
public static class MicroBatchWorkers
{
    /// <summary>The workers of a step.</summary>
    /// <param name="requested">The option: a count, or 0 for the automatic one.</param>
    /// <param name="microBatches">Micro-batches of the step on this rank (never more workers than these).</param>
    /// <param name="ranks">Ranks of the run.</param>
    /// <param name="inTurnOnly">True when the step's micro-batches must run one at a time (see the summary).</param>
    /// <param name="onCpu">Whether the model is on the CPU.</param>
    /// <param name="cores">Cores of the machine.</param>
    /// <param name="torchThreads">Threads of torch's intra-op pool.</param>
    public static int For(int requested, int microBatches, int ranks, bool inTurnOnly, bool onCpu, int cores, int torchThreads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requested);
        if (microBatches < 2 || inTurnOnly) return 1;
        if (requested > 0) return Math.Min(requested, microBatches);
        return ranks > 1 || !onCpu ? 1 : Math.Clamp(cores / Math.Max(1, torchThreads), 1, Math.Min(2, microBatches));
    }
}
