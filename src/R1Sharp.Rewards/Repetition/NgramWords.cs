using System.Text;
using R1Sharp.Rewards.Language;

namespace R1Sharp.Rewards.Repetition;

/// <summary>Splits text into the words whose n-grams <see cref="RepetitionPenaltyReward"/> counts, as integer ids.</summary>
internal static class NgramWords
{
    /// <summary>
    /// Whitespace-separated pieces, lower-cased, each Han or kana character a word of its own; every distinct word
    /// is numbered, so that n-grams compare as short integer runs instead of joined strings.
    /// </summary>
    public static int[] Ids(string text)
    {
        string lower = text.ToLowerInvariant();
        var ids = new List<int>(lower.Length / 5 + 1);
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        int wordStart = -1, i = 0;
        while (i < lower.Length)
        {
            char c = lower[i];
            bool space, single;
            int width = 1;
            if (char.IsAscii(c))
            {
                // Fast path for the common case; ASCII is never Han or kana.
                space = c is ' ' or (>= '\t' and <= '\r');
                single = false;
            }
            else
            {
                Rune.DecodeFromUtf16(lower.AsSpan(i), out Rune rune, out width);
                space = Rune.IsWhiteSpace(rune);
                single = !space && WordSegmenter.ScriptOf(rune) is WritingScript.Han or WritingScript.Kana;
            }
            if ((space || single) && wordStart >= 0)
            {
                ids.Add(IdOf(lower.AsSpan(wordStart, i - wordStart), lookup));
                wordStart = -1;
            }
            if (single) ids.Add(IdOf(lower.AsSpan(i, width), lookup));
            else if (!space && wordStart < 0) wordStart = i;
            i += width;
        }
        if (wordStart >= 0) ids.Add(IdOf(lower.AsSpan(wordStart), lookup));
        return [.. ids];
    }

    private static int IdOf(ReadOnlySpan<char> word, Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup)
    {
        if (lookup.TryGetValue(word, out int id)) return id;
        id = lookup.Dictionary.Count;
        lookup.Dictionary.Add(word.ToString(), id);
        return id;
    }
}
