using R1Sharp.Verify.Parsing;

namespace R1Sharp.Verify.Extraction;

/// <summary>Finds the content of the last <c>\boxed{…}</c> or <c>\fbox{…}</c> (nested braces allowed).</summary>
internal static class BoxedAnswer
{
    private static readonly string[] Commands = ["\\boxed", "\\fbox"];

    /// <summary>Whether the text has a box at all (then the box decides, even when it is empty or broken).</summary>
    public static bool HasBox(string text) => Commands.Any(c => text.Contains(c, StringComparison.Ordinal));

    /// <summary>The last box's content; null when that box is empty or unbalanced (no answer, rule 1).</summary>
    public static string? Last(string text)
    {
        int at = -1; string? command = null;
        foreach (var c in Commands)
        {
            int idx = text.LastIndexOf(c, StringComparison.Ordinal);
            if (idx > at) { at = idx; command = c; }
        }
        if (command is null) return null;
        int i = at + command.Length;
        while (i < text.Length && text[i] == ' ') i++;
        if (i >= text.Length) return null;
        if (text[i] != '{')
        {
            // "\boxed 5": the next word.
            int end = i;
            while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != '$') end++;
            return end > i ? text[i..end] : null;
        }
        int close = BraceMatcher.FindClose(text, i);
        if (close < 0) return null;
        string content = text[(i + 1)..close].Trim();
        return content.Length == 0 ? null : content;
    }
}
