using R1Sharp.Text;

namespace R1Sharp.Tests.Sft;

/// <summary>Test tokenizer: one id per character, ChatML special tokens recognised as single ids, and (to exercise
/// tokens that straddle span boundaries) the pair "\n\n" merged into one id, as BPE merges do.</summary>
internal sealed class CharacterTokenizer : ITextTokenizer
{
    private static readonly string[] Specials = ["<|im_start|>", "<|im_end|>", "<pad>"];
    public const int MergedNewlines = 3;
    private const int CharOffset = 4;

    public int VocabSize => CharOffset + 128;
    public int? BosId => null;
    public IReadOnlyList<int> EosIds => [1];
    public int PadId => 2;

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false)
    {
        var ids = new List<int>();
        for (int i = 0; i < text.Length;)
        {
            int special = Array.FindIndex(Specials, s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0);
            if (special >= 0) { ids.Add(special); i += Specials[special].Length; continue; }
            if (text[i] == '\n' && i + 1 < text.Length && text[i + 1] == '\n') { ids.Add(MergedNewlines); i += 2; continue; }
            ids.Add(CharOffset + Math.Min(text[i], (char)127));
            i++;
        }
        return ids;
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) =>
        string.Concat(ids.Select(id => id < Specials.Length ? (skipSpecialTokens ? "" : Specials[id]) : id == MergedNewlines ? "\n\n" : ((char)(id - CharOffset)).ToString()));
}
