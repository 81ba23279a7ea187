namespace R1Sharp.Rewards.Repetition;

/// <summary>
/// Compares n-grams given by their start index in a word-id array, so a set of n-grams needs no allocation per
/// n-gram.
/// </summary>
internal sealed class NgramWindowComparer(int[] ids, int n) : IEqualityComparer<int>
{
    public bool Equals(int x, int y) => ids.AsSpan(x, n).SequenceEqual(ids.AsSpan(y, n));

    public int GetHashCode(int start)
    {
        var hash = new HashCode();
        foreach (int id in ids.AsSpan(start, n)) hash.Add(id);
        return hash.ToHashCode();
    }
}
