namespace R1Sharp.Training.Grpo;

/// <summary>
/// Splits a step's completion rows into micro-batches for gradient accumulation (TRL's
/// <c>gradient_accumulation_steps</c>): every row in exactly one micro-batch, in order, sizes differing by at most one.
/// The loss of each micro-batch is already normalised for the whole batch (see <see cref="PolicyLossSettings"/>), so
/// accumulating their gradients equals one pass over all rows.
/// </summary>
public static class MicroBatches
{
    /// <summary>The micro-batches of <paramref name="rows"/> rows: <c>min(accumulationSteps, rows)</c> of them, micro-batch
    /// k holding rows [k·rows/m, (k+1)·rows/m).</summary>
    /// <param name="rows">Rows of the batch (completions); 0 gives none.</param>
    /// <param name="accumulationSteps">Micro-batches wanted (at least 1).</param>
    public static IReadOnlyList<MicroBatch> Split(int rows, int accumulationSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(accumulationSteps, 1);
        int count = Math.Min(accumulationSteps, rows);
        return [.. Enumerable.Range(0, count).Select(k => new MicroBatch(k * rows / count, (k + 1) * rows / count))];
    }
}
