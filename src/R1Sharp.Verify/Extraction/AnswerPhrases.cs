using System.Text.RegularExpressions;

namespace R1Sharp.Verify.Extraction;

/// <summary>Answers stated in words: "the (final) answer is …", and final lines "Answer: …", "A: …", "#### …".</summary>
internal static partial class AnswerPhrases
{
    /// <summary>The value after the last "the (final) answer is", up to the end of its sentence.</summary>
    public static string? AfterAnswerIs(string text)
    {
        var matches = AnswerIs().Matches(text);
        if (matches.Count == 0) return null;
        var last = matches[^1];
        string rest = text[(last.Index + last.Length)..];
        int newline = rest.IndexOf('\n');
        if (newline >= 0) rest = rest[..newline];
        return CleanSentence(rest);
    }

    /// <summary>The value of a final line starting "Answer:", "Final Answer:", "A:" or "####".</summary>
    public static string? FinalLine(string text)
    {
        var lines = text.Split('\n');
        for (int i = lines.Length - 1; i >= 0; i--)
        {
            string line = lines[i].Replace("**", "", StringComparison.Ordinal).Trim();
            if (line.Length == 0) continue;
            var match = AnswerLine().Match(line);
            return match.Success ? CleanSentence(line[match.Length..]) : null;
        }
        return null;
    }

    // Ends at ". " (a full stop, not a decimal point) and drops the usual trailing courtesy.
    private static string? CleanSentence(string rest)
    {
        rest = rest.Trim();
        int hope = rest.IndexOf("I hope", StringComparison.OrdinalIgnoreCase);
        if (hope >= 0) rest = rest[..hope];
        var stop = SentenceEnd().Match(rest);
        if (stop.Success) rest = rest[..stop.Index];
        rest = rest.Trim().TrimEnd('.', ' ').Trim();
        if (rest.StartsWith(':')) rest = rest[1..].Trim();
        return rest.Length == 0 ? null : rest;
    }

    [GeneratedRegex(@"the\s+(?:final\s+)?answer\s+is\s*:?", RegexOptions.IgnoreCase)]
    private static partial Regex AnswerIs();

    [GeneratedRegex(@"^(?:final\s+answer\s*:|answer\s*:|a\s*:|####)\s*", RegexOptions.IgnoreCase)]
    private static partial Regex AnswerLine();

    [GeneratedRegex(@"\.(?=\s|$)")]
    private static partial Regex SentenceEnd();
}
