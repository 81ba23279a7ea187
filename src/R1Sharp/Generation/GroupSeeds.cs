namespace R1Sharp.Generation;

/// <summary>
/// Seeds by group of consecutive rows (issue 17): rows <c>[k·RowsPerGroup, (k+1)·RowsPerGroup)</c> of a batch draw their
/// tokens from one random generator of their own, seeded <c>Seeds[k]</c>. A group's draws are then the same whatever
/// other groups share its batch, so a rank can sample all of its GRPO groups in one batch and still produce the
/// completions one group sampled alone with <see cref="SamplingOptions.Seed"/> = <c>Seeds[k]</c> would (as far as the
/// batched logits equal the lone ones: see docs/distributed.md). <c>RowsPerGroup</c> = 1 gives every row its own seed.
/// </summary>
public sealed record GroupSeeds
{
    /// <summary>Groups of <paramref name="rowsPerGroup"/> consecutive rows, group k seeded <paramref name="seeds"/>[k].</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rowsPerGroup"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="seeds"/> is empty.</exception>
    public GroupSeeds(int rowsPerGroup, IReadOnlyList<long> seeds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowsPerGroup);
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0) throw new ArgumentException("GroupSeeds needs at least one seed", nameof(seeds));
        RowsPerGroup = rowsPerGroup;
        Seeds = [.. seeds];
    }

    /// <summary>Rows in each group.</summary>
    public int RowsPerGroup { get; }

    /// <summary>The seed of each group, in row order.</summary>
    public IReadOnlyList<long> Seeds { get; }

    /// <summary>Rows the seeds cover: <c>RowsPerGroup × Seeds.Count</c>.</summary>
    public int Rows => RowsPerGroup * Seeds.Count;

    /// <summary>The group of row <paramref name="row"/>.</summary>
    public int GroupOf(int row) => row / RowsPerGroup;

    /// <summary>Groups <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 (a chunk of whole groups).</summary>
    public GroupSeeds Slice(int first, int count) => new(RowsPerGroup, [.. Seeds.Skip(first).Take(count)]);
}
