using R1Sharp.Training.Checkpointing;

namespace R1Sharp.Training.LanguageModeling;

/// <summary>Arranges samples into batch rows and rows into micro-batches, deterministically for a given seed and
/// epoch (so a resumed run sees the same batches).</summary>
public static class SequencePacker
{
    /// <summary>Lays out one epoch.</summary>
    /// <param name="lengths">Token count of each sample (already truncated to <paramref name="maxLength"/>).</param>
    /// <param name="layout">Packed or bucketed.</param>
    /// <param name="maxLength">Row capacity in tokens.</param>
    /// <param name="rowsPerBatch">Rows per micro-batch.</param>
    /// <param name="seed">Shuffling seed; combined with <paramref name="epoch"/>.</param>
    /// <param name="epoch">0-based epoch.</param>
    /// <returns>Micro-batches, each a list of rows.</returns>
    public static List<List<PackedRow>> Plan(IReadOnlyList<int> lengths, SequenceLayout layout, int maxLength, int rowsPerBatch, int seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowsPerBatch);
        // A stable derivation: the plan must be the same in every process for a resumed run to continue exactly.
        var random = new Random(StableSeed.Derive(seed, epoch, 0x5F7));
        int[] order = [.. Enumerable.Range(0, lengths.Count)];
        random.Shuffle(order);
        for (int i = 0; i < order.Length; i++)
            if (lengths[order[i]] > maxLength)
                throw new ArgumentException($"sample {order[i]} has {lengths[order[i]]} tokens, more than the row capacity {maxLength}", nameof(lengths));

        List<List<PackedRow>> batches;
        if (layout == SequenceLayout.Packed)
        {
            var rows = FirstFitDecreasing(order, lengths, maxLength);
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
            batches = [.. rows.Chunk(rowsPerBatch).Select(c => c.ToList())];
        }
        else
        {
            // Sort the shuffled samples by length (stable, so ties keep the shuffle), cut into batches of similar
            // lengths, then shuffle the batches so training does not go from short to long.
            var sorted = order.OrderBy(i => lengths[i]).Select(i => new PackedRow([i], lengths[i])).ToList();
            batches = [.. sorted.Chunk(rowsPerBatch).Select(c => c.ToList())];
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batches));
        }
        return batches;
    }

    private static List<PackedRow> FirstFitDecreasing(int[] order, IReadOnlyList<int> lengths, int capacity)
    {
        var rows = new List<(List<int> Samples, int Used)>();
        foreach (int sample in order.OrderByDescending(i => lengths[i]))
        {
            int length = lengths[sample];
            int target = rows.FindIndex(r => r.Used + length <= capacity);
            if (target < 0) rows.Add(([sample], length));
            else
            {
                rows[target].Samples.Add(sample);
                rows[target] = (rows[target].Samples, rows[target].Used + length);
            }
        }
        return [.. rows.Select(r => new PackedRow(r.Samples, r.Used))];
    }
}
