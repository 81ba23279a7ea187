namespace R1Sharp.Training.DataParallel;

/// <summary>
/// Which of a round's prompt groups a rank samples: contiguous, whole groups (group-normalised advantages need every
/// completion of a group on one rank), sizes differing by at most one. The union over ranks is every group once, so
/// the global batch does not depend on the number of ranks.
/// </summary>
public static class RankShare
{
    /// <summary>Groups [Start, End) of <paramref name="groups"/> for <paramref name="rank"/> of <paramref name="size"/>.</summary>
    public static (int Start, int End) Of(int groups, int rank, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(groups);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, size);
        return ((int)((long)groups * rank / size), (int)((long)groups * (rank + 1) / size));
    }
}
