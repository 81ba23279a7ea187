using System.Text;

namespace R1Sharp.Rewards.Language;

/// <summary>
/// Splits reasoning text into the words that language consistency counts, leaving out what belongs to no
/// natural language.
/// </summary>
/// <remarks>
/// Neutral (never counted): fenced code (<c>```…```</c>), inline code (<c>`…`</c>), math (<c>$$…$$</c>,
/// <c>$…$</c> on one line, <c>\[…\]</c>, <c>\(…\)</c>), LaTeX command names (<c>\frac</c>), markup tags
/// (<c>&lt;think&gt;</c>, <c>&lt;/answer&gt;</c>), numbers, punctuation,
/// and a lone Latin letter (almost always a variable such as <c>x</c>, which Chinese reasoning writes too).
/// Han and kana characters count one word each, since those languages do not put spaces between words and a
/// character is the unit a segmenter-free count can agree on; every other script counts maximal letter runs.
/// </remarks>
public static class WordSegmenter
{
    /// <summary>The counted words of <paramref name="text"/>, in order.</summary>
    public static List<CountedWord> Segment(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<CountedWord>();
        int i = 0;
        int lineEnd = -1;   // index of the first '\n' at or after i (or the text's end), found once per line
        while (i < text.Length)
        {
            if (lineEnd < i)
            {
                lineEnd = text.IndexOf('\n', i);
                if (lineEnd < 0) lineEnd = text.Length;
            }
            int skipTo = SkipNeutralSpan(text, i, lineEnd);
            if (skipTo > i)
            {
                i = skipTo;
                continue;
            }
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int width);
            WritingScript? script = ScriptOf(rune);
            if (script is null)
            {
                i += width;
                continue;
            }
            if (script is WritingScript.Han or WritingScript.Kana)
            {
                words.Add(new CountedWord(script.Value, i, width));
                i += width;
                continue;
            }
            int end = RunEnd(text, i + width, script.Value);
            bool loneLatinLetter = script == WritingScript.Latin && end - i == width;
            if (!loneLatinLetter) words.Add(new CountedWord(script.Value, i, end - i));
            i = end;
        }
        return words;
    }

    /// <summary>The script of a letter, or null for digits, punctuation, symbols and marks.</summary>
    public static WritingScript? ScriptOf(Rune rune)
    {
        int c = rune.Value;
        if (IsHan(c)) return WritingScript.Han;
        if (c is >= 0x3040 and <= 0x30FF or >= 0x31F0 and <= 0x31FF or >= 0xFF66 and <= 0xFF9F)
            return c is 0x30FB ? null : WritingScript.Kana;   // U+30FB is the katakana middle dot, punctuation
        if (c is >= 0xAC00 and <= 0xD7AF or >= 0x1100 and <= 0x11FF or >= 0x3130 and <= 0x318F)
            return WritingScript.Hangul;
        if (!Rune.IsLetter(rune)) return null;
        if (c is <= 0x024F or >= 0x1E00 and <= 0x1EFF or >= 0xFF21 and <= 0xFF5A) return WritingScript.Latin;
        if (c is >= 0x0400 and <= 0x052F) return WritingScript.Cyrillic;
        return WritingScript.Other;
    }

    private static bool IsHan(int c) =>
        c is >= 0x4E00 and <= 0x9FFF       // CJK unified ideographs
            or >= 0x3400 and <= 0x4DBF     // extension A
            or >= 0x20000 and <= 0x3134F   // extensions B-G
            or >= 0xF900 and <= 0xFAFF     // compatibility ideographs
            or 0x3005 or 0x3007;           // iteration mark, ideographic zero

    // A run continues over letters of the same script, combining marks, and an apostrophe or hyphen between letters
    // ("don't", "well-known"), so contractions count once.
    private static int RunEnd(string text, int i, WritingScript script)
    {
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int width);
            if (ScriptOf(rune) == script || Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                i += width;
                continue;
            }
            if (rune.Value is '\'' or '\u2019' or '-' && i + 1 < text.Length)
            {
                Rune.DecodeFromUtf16(text.AsSpan(i + 1), out Rune next, out _);
                if (ScriptOf(next) == script)
                {
                    i += 1;
                    continue;
                }
            }
            break;
        }
        return i;
    }

    // Returns the index after a neutral span starting at i, or i when none starts there. lineEnd bounds the
    // search for one-line spans, so that a text of many '$' and no line break stays linear.
    private static int SkipNeutralSpan(string text, int i, int lineEnd)
    {
        char c = text[i];
        if (c == '`')
        {
            if (string.CompareOrdinal(text, i, "```", 0, 3) == 0) return PastCloser(text, i + 3, "```");
            return PastLineCloser(text, i + 1, '`', lineEnd);
        }
        if (c == '$')
        {
            if (i + 1 < text.Length && text[i + 1] == '$') return PastCloser(text, i + 2, "$$");
            return PastLineCloser(text, i + 1, '$', lineEnd);
        }
        if (c == '<')
        {
            // Markup tags such as <think> or </answer> are structure, not prose.
            int j = i + 1;
            if (j < text.Length && text[j] == '/') j++;
            int nameStart = j;
            while (j < text.Length && (char.IsAsciiLetterOrDigit(text[j]) || text[j] is '_' or '-')) j++;
            if (j > nameStart && j < text.Length && text[j] == '>') return j + 1;
        }
        if (c == '\\' && i + 1 < text.Length)
        {
            char next = text[i + 1];
            if (next == '[') return PastCloser(text, i + 2, "\\]");
            if (next == '(') return PastCloser(text, i + 2, "\\)");
            if (char.IsAsciiLetter(next))
            {
                int j = i + 1;
                while (j < text.Length && char.IsAsciiLetter(text[j])) j++;
                return j;
            }
        }
        return i;
    }

    // Index after the closer; an unclosed multi-line span (a truncated completion) runs to the end.
    private static int PastCloser(string text, int from, string closer)
    {
        int close = text.IndexOf(closer, from, StringComparison.Ordinal);
        return close < 0 ? text.Length : close + closer.Length;
    }

    // Index after a closer on the same line; when there is none, only the opener is skipped, so a lone "$5" or a
    // stray backtick does not hide the rest of the line.
    private static int PastLineCloser(string text, int from, char closer, int lineEnd)
    {
        int close = text.AsSpan(from, lineEnd - from).IndexOf(closer);
        return close < 0 ? from : from + close + 1;
    }
}
