using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace R1Sharp.Text.Tokenization;

/// <summary>
/// A pre-tokenizer split regex applied with Hugging Face's "Isolated" behaviour: every match is a word and so is
/// every stretch of text between matches. Hugging Face's regexes see code points, .NET's see UTF-16 units, so a
/// character outside the BMP (emoji, rare CJK) is matched through a one-unit stand-in of the same Unicode category.
/// </summary>
internal sealed class SplitPattern
{
    private static readonly Lazy<Dictionary<UnicodeCategory, char>> StandIns = new(BuildStandIns);
    private readonly Regex _regex;

    public SplitPattern(string pattern)
    {
        Pattern = pattern;
        _regex = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
    }

    /// <summary>The regex source, as written in tokenizer.json.</summary>
    public string Pattern { get; }

    /// <summary>Splits <paramref name="text"/> into consecutive pieces that cover it exactly.</summary>
    public IEnumerable<string> Split(string text)
    {
        if (text.Length == 0) yield break;
        bool hasSurrogates = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;
        string subject = text;
        int[]? unitStart = null;
        if (hasSurrogates) (subject, unitStart) = WithStandIns(text);
        int position = 0;
        foreach (Match match in _regex.Matches(subject))
        {
            if (match.Length == 0) continue;
            int start = Map(match.Index), end = Map(match.Index + match.Length);
            if (start > position) yield return text[position..start];
            yield return text[start..end];
            position = end;
        }
        if (position < text.Length) yield return text[position..];

        int Map(int index) => unitStart is null ? index : unitStart[index];
    }

    // Replaces each surrogate pair by one BMP character of the same category; unitStart[i] is the index in the
    // original text where stand-in string position i begins (with one extra entry for the end).
    private static (string Subject, int[] UnitStart) WithStandIns(string text)
    {
        var subject = new StringBuilder(text.Length);
        var starts = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length; i++)
        {
            starts.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var category = CharUnicodeInfo.GetUnicodeCategory(text, i);
                subject.Append(StandIns.Value.TryGetValue(category, out char standIn) ? standIn : '\uE000');
                i++;
            }
            else
            {
                subject.Append(text[i]);
            }
        }
        starts.Add(text.Length);
        return (subject.ToString(), starts.ToArray());
    }

    private static Dictionary<UnicodeCategory, char> BuildStandIns()
    {
        var map = new Dictionary<UnicodeCategory, char>();
        // Start above ASCII/Latin-1 so that no stand-in is a character the patterns name literally (space, ', \r, \n).
        for (int c = 0x100; c < 0xFFFF; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF) continue;
            var category = CharUnicodeInfo.GetUnicodeCategory((char)c);
            if (category is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Control)
                continue;
            map.TryAdd(category, (char)c);
        }
        return map;
    }
}
