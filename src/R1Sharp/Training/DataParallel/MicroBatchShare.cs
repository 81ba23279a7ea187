namespace R1Sharp.Training.DataParallel;

/// <summary>
/// A rank's part of a step's micro-batches (data-parallel SFT and pre-training, issue 17): the step's rows, in order, are
/// cut into contiguous shares as <see cref="RankShare"/> cuts prompt groups (sizes differ by at most one row), and each
/// rank keeps the pieces of the original micro-batches that fall in its share. No micro-batch grows, so memory per
/// forward pass is what one process needs; on one rank the micro-batches come back unchanged. A rank may get none.
/// </summary>
public static class MicroBatchShare
{
    /// <summary>The non-empty pieces of <paramref name="microBatches"/> whose rows fall in <paramref name="rank"/>'s share.</summary>
    public static List<List<T>> Of<T>(IReadOnlyList<IReadOnlyList<T>> microBatches, int rank, int size)
    {
        ArgumentNullException.ThrowIfNull(microBatches);
        if (size == 1) return [.. microBatches.Select(m => m.ToList())];
        var (start, end) = RankShare.Of(microBatches.Sum(m => m.Count), rank, size);
        var share = new List<List<T>>();
        int offset = 0;
        foreach (var batch in microBatches)
        {
            var piece = batch.Where((_, i) => offset + i >= start && offset + i < end).ToList();
            if (piece.Count > 0) share.Add(piece);
            offset += batch.Count;
        }
        return share;
    }
}
