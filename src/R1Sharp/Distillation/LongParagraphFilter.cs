using System.Text.RegularExpressions;

namespace R1Sharp.Distillation;

/// <summary>
/// Drops responses whose chain of thought has a paragraph (text between blank lines) longer than a limit: R1
/// removed "long paragraphs" for readability (paper §2.3.3). The paper gives no number; the default is a judgement.
/// </summary>
/// <param name="MaxCharacters">Longest paragraph allowed, in characters. Default 3,000 (about 750 tokens).</param>
public sealed partial record LongParagraphFilter(int MaxCharacters = 3000) : IResponseFilter
{
    /// <inheritdoc />
    public string Name => "long_paragraph";

    /// <inheritdoc />
    public bool Keep(SampledResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return LongestParagraph(response.Parts.Reasoning) <= MaxCharacters;
    }

    /// <summary>Length of the longest paragraph of <paramref name="text"/> (trimmed, paragraphs split at blank lines).</summary>
    public static int LongestParagraph(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int longest = 0;
        foreach (var paragraph in BlankLine().Split(text))
            longest = Math.Max(longest, paragraph.Trim().Length);
        return longest;
    }

    [GeneratedRegex(@"\r?\n[ \t]*\r?\n")]
    private static partial Regex BlankLine();
}
