namespace R1Sharp.Rewards.Format;

/// <summary>Finds the reasoning tags of a completion, in text order.</summary>
internal static class TagScanner
{
    /// <summary>Every occurrence of the four tags (or only the think pair), sorted by position.</summary>
    public static List<TagOccurrence> Scan(string text, ReasoningTags tags, bool includeAnswerTags = true)
    {
        var found = new List<TagOccurrence>();
        Collect(text, tags.OpenThink, TagKind.OpenThink, found);
        Collect(text, tags.CloseThink, TagKind.CloseThink, found);
        if (includeAnswerTags)
        {
            Collect(text, tags.OpenAnswer, TagKind.OpenAnswer, found);
            Collect(text, tags.CloseAnswer, TagKind.CloseAnswer, found);
        }
        found.Sort((a, b) => a.Index.CompareTo(b.Index));
        return found;
    }

    /// <summary>
    /// True when the reasoning was opened by the prompt: <paramref name="opening"/> says so, or it is
    /// <see cref="ThinkOpening.Auto"/> and the prompt ends (trailing whitespace ignored) with the opening think tag.
    /// </summary>
    public static bool ThinkOpenedByPrompt(string prompt, ThinkOpening opening, ReasoningTags tags) => opening switch
    {
        ThinkOpening.InPrompt => true,
        ThinkOpening.InCompletion => false,
        _ => prompt.AsSpan().TrimEnd().EndsWith(tags.OpenThink, StringComparison.Ordinal),
    };

    /// <summary>
    /// The reasoning text: from the opening think tag (or the completion's start when the prompt opened it) to the
    /// first closing think tag, or to the end when the reasoning was cut off. Null when the completion never opens it.
    /// </summary>
    public static string? Thinking(string completion, bool openedByPrompt, ReasoningTags tags)
    {
        int start = 0;
        if (!openedByPrompt)
        {
            int open = completion.IndexOf(tags.OpenThink, StringComparison.Ordinal);
            if (open < 0) return null;
            start = open + tags.OpenThink.Length;
        }
        int close = completion.IndexOf(tags.CloseThink, start, StringComparison.Ordinal);
        return close < 0 ? completion[start..] : completion[start..close];
    }

    private static void Collect(string text, string tag, TagKind kind, List<TagOccurrence> found)
    {
        int at = 0;
        while ((at = text.IndexOf(tag, at, StringComparison.Ordinal)) >= 0)
        {
            found.Add(new TagOccurrence(kind, at, tag.Length));
            at += tag.Length;
        }
    }
}
