namespace R1Sharp.Training.Grpo;

/// <summary>
/// The order a step's groups are trained in, so that each micro-batch holds groups of similar length and the
/// micro-batch workers' shares cost the same. A micro-batch is only as wide as its longest prompt plus its longest
/// completion (<see cref="TrainingRows.Slice"/>), so groups of short answers trained together skip the columns that
/// long answers would pad them to. The groups are sorted by width (prompt + longest completion); micro-batches are cut
/// from that order as <see cref="MicroBatches.Split"/> cuts rows; then, longest first, each micro-batch goes to the
/// worker whose share costs least so far (rows × width), and the shares are laid out one after another, as
/// <see cref="Optimization.ConcurrentMicroBatches"/> hands them out.
/// Only the order changes: advantages are per group, and every loss but <c>bnpo</c> (which normalises per micro-batch,
/// and is left in sampling order) sums over completions with step-wide normalisers, so the update is the same up to
/// rounding. Applies when every micro-batch holds whole groups; otherwise the sampling order is kept.
/// </summary>
public static class LengthBalancedGroupOrder
{
    /// <summary>The groups' training order: a permutation of 0 … widths.Count − 1.</summary>
    /// <param name="widths">Each group's width: its prompt's tokens plus its longest completion's.</param>
    /// <param name="rowsPerGroup">G, completions per group.</param>
    /// <param name="microBatches">Micro-batches of the step (after <see cref="MicroBatches.Split"/>'s clamp to the rows).</param>
    /// <param name="workers">Micro-batch workers (<see cref="Optimization.MicroBatchWorkers"/>).</param>
    public static int[] Of(IReadOnlyList<int> widths, int rowsPerGroup, int microBatches, int workers)
    {
        ArgumentNullException.ThrowIfNull(widths);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerGroup, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(microBatches, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        int groups = widths.Count;
        var identity = Enumerable.Range(0, groups).ToArray();
        if (microBatches < 2 || groups % microBatches != 0) return identity; // a micro-batch would split a group
        int perMicroBatch = groups / microBatches;
        var sorted = identity.OrderBy(g => widths[g]).ToArray(); // stable: equal widths keep sampling order
        if (workers < 2) return sorted;
        var chunks = Enumerable.Range(0, microBatches).Select(k => sorted[(k * perMicroBatch)..((k + 1) * perMicroBatch)]).ToArray();

        // Share w holds the micro-batches [w·M/W, (w+1)·M/W), as the workers take them.
        int shares = Math.Min(workers, microBatches);
        var capacity = Enumerable.Range(0, shares).Select(w => (w + 1) * microBatches / shares - w * microBatches / shares).ToArray();
        var load = new long[shares];
        var members = Enumerable.Range(0, shares).Select(_ => new List<int[]>()).ToArray();
        foreach (var chunk in chunks.OrderByDescending(c => (long)perMicroBatch * widths[c[^1]])) // cost: groups × widest
        {
            int best = -1;
            for (int w = 0; w < shares; w++)
                if (members[w].Count < capacity[w] && (best < 0 || load[w] < load[best])) best = w;
            members[best].Add(chunk);
            load[best] += (long)perMicroBatch * widths[chunk[^1]];
        }
        return [.. members.SelectMany(m => m.SelectMany(chunk => chunk))];
    }
}
