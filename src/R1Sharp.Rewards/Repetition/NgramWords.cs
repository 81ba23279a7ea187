using System.Text;
using R1Sharp.Rewards.Language;

namespace R1Sharp.Rewards.Repetition;

/// <summary>Splits text into the words whose n-grams <see cref="RepetitionPenaltyReward"/> counts.</summary>
internal static class NgramWords
{
    /// <summary>Whitespace-separated pieces, lower-cased; each Han or kana character is a word of its own.</summary>
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        int i = 0;
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int width);
            i += width;
            if (Rune.IsWhiteSpace(rune))
            {
                Flush(current, words);
                continue;
            }
            if (WordSegmenter.ScriptOf(rune) is WritingScript.Han or WritingScript.Kana)
            {
                Flush(current, words);
                words.Add(rune.ToString());
                continue;
            }
            current.Append(Rune.ToLowerInvariant(rune).ToString());
        }
        Flush(current, words);
        return words;
    }

    private static void Flush(StringBuilder current, List<string> words)
    {
        if (current.Length == 0) return;
        words.Add(current.ToString());
        current.Clear();
    }
}
