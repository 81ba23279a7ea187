namespace R1Sharp.Verify.Comparison;

/// <summary>Order-insensitive comparison of two collections: every gold element matched by a distinct predicted one.</summary>
internal static class SetMatcher
{
    public static bool SameElements<T>(IReadOnlyList<T> gold, IReadOnlyList<T> predicted, Func<T, T, bool> equal)
    {
        var goldDistinct = Distinct(gold, equal);
        var predictedDistinct = Distinct(predicted, equal);
        if (goldDistinct.Count != predictedDistinct.Count) return false;
        var used = new bool[predictedDistinct.Count];
        foreach (var g in goldDistinct)
        {
            int match = -1;
            for (int i = 0; i < predictedDistinct.Count && match < 0; i++)
                if (!used[i] && equal(g, predictedDistinct[i])) match = i;
            if (match < 0) return false;
            used[match] = true;
        }
        return true;
    }

    // Sets ignore repetition: {1, 1, 2} = {1, 2}.
    private static List<T> Distinct<T>(IReadOnlyList<T> items, Func<T, T, bool> equal)
    {
        var result = new List<T>();
        foreach (var item in items.Take(256))
            if (!result.Any(r => equal(r, item))) result.Add(item);
        if (items.Count > 256) result.Add(items[256]); // oversized lists never match a gold set exactly
        return result;
    }
}
