using R1Sharp.Training.Optimization;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// Log-probabilities of the completion tokens under a policy that the step does not train: π_old (the policy before
/// the step's first update, needed when <c>num_iterations</c> &gt; 1) and π_ref (the frozen reference of the KL term).
/// Computed once per step, micro-batch by micro-batch, without gradients, before any update.
/// </summary>
public static class FrozenLogProbs
{
    /// <summary>log π(target) [b, C] of the target tokens for input ids and attention mask [b, T] (<see cref="CompletionLogProbs"/>).</summary>
    public delegate Tensor LogProbsOf(Tensor inputIds, Tensor attentionMask, Tensor targets);

    /// <summary>log π(token) [b, C] of each micro-batch's completion tokens; the caller disposes them.</summary>
    /// <param name="forward">The frozen policy's log-probabilities (at the sampling temperature, see <see cref="CompletionLogProbs"/>).</param>
    /// <param name="rows">The step's rows.</param>
    /// <param name="microBatches">The micro-batches to compute, in order.</param>
    /// <param name="device">Device of the model.</param>
    /// <param name="workers">Threads computing micro-batches at once (<c>micro_batch_workers</c>); each micro-batch's values
    /// are the same whichever thread computes it.</param>
    public static Tensor[] Compute(LogProbsOf forward, TrainingRows rows, IReadOnlyList<MicroBatch> microBatches, Device device, int workers = 1)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(microBatches);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        var result = new Tensor[microBatches.Count];
        try
        {
            ConcurrentMicroBatches.ForEach(microBatches.Count, workers, k =>
            {
                using var noGrad = no_grad();
                using var scope = NewDisposeScope();
                var (input, mask, targets) = rows.Slice(microBatches[k], device);
                result[k] = forward(input, mask, targets).DetachFromDisposeScope();
            });
        }
        catch
        {
            foreach (var t in result) t?.Dispose();
            throw;
        }
        return result;
    }
}
