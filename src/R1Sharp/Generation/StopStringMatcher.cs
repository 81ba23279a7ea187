namespace R1Sharp.Generation;

/// <summary>
/// Finds stop strings in a growing completion by decoding only its tail: enough tokens to hold the longest stop
/// string even when every token is a partial UTF-8 byte, so each step costs O(stop length), not O(completion).
/// </summary>
internal sealed class StopStringMatcher(IReadOnlyList<string> stopStrings, Func<IReadOnlyList<int>, string> decoder)
{
    private readonly int _window = 4 * stopStrings.Max(s => s.Length) + 8;

    /// <summary>The stop string the completion now contains in its tail, or null.</summary>
    public string? Match(List<int> completion)
    {
        int start = Math.Max(0, completion.Count - _window);
        string tail = decoder(completion.GetRange(start, completion.Count - start));
        foreach (string stop in stopStrings)
            if (tail.Contains(stop, StringComparison.Ordinal)) return stop;
        return null;
    }
}
