namespace R1Sharp.Text.Tokenization;

/// <summary>
/// Finds added tokens in raw text before BPE runs, leftmost first and longest at each position (as Hugging Face's
/// added vocabulary does), honouring lstrip / rstrip / single_word.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly Dictionary<char, AddedToken[]> _byFirstChar;

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens)
    {
        _byFirstChar = tokens
            .Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
    }

    /// <summary>One piece of the text: either plain text to run through BPE, or a matched added token.</summary>
    public readonly record struct Segment(string? Text, AddedToken? Token);

    /// <summary>Splits <paramref name="text"/> into plain-text runs and added tokens.</summary>
    /// <param name="text">The input.</param>
    /// <param name="matchSpecial">False: special tokens written in the text are treated as plain text.</param>
    public List<Segment> Split(string text, bool matchSpecial)
    {
        var segments = new List<Segment>();
        int plainStart = 0, i = 0;
        while (i < text.Length)
        {
            var token = MatchAt(text, i, matchSpecial);
            if (token is null)
            {
                i++;
                continue;
            }
            int start = i, end = i + token.Content.Length;
            if (token.LeftStrip) while (start > plainStart && char.IsWhiteSpace(text[start - 1])) start--;
            if (token.RightStrip) while (end < text.Length && char.IsWhiteSpace(text[end])) end++;
            if (start > plainStart) segments.Add(new Segment(text[plainStart..start], null));
            segments.Add(new Segment(null, token));
            i = plainStart = end;
        }
        if (plainStart < text.Length) segments.Add(new Segment(text[plainStart..], null));
        return segments;
    }

    private AddedToken? MatchAt(string text, int index, bool matchSpecial)
    {
        if (!_byFirstChar.TryGetValue(text[index], out var candidates)) return null;
        foreach (var token in candidates)
        {
            if (token.Special && !matchSpecial) continue;
            if (string.CompareOrdinal(text, index, token.Content, 0, token.Content.Length) != 0) continue;
            if (token.SingleWord && !IsWordBoundary(text, index, index + token.Content.Length)) continue;
            return token;
        }
        return null;
    }

    private static bool IsWordBoundary(string text, int start, int end) =>
        (start == 0 || !char.IsLetterOrDigit(text[start - 1])) && (end >= text.Length || !char.IsLetterOrDigit(text[end]));
}
