using R1Sharp.Text;

namespace R1Sharp.Tests.Serving;

/// <summary>Printable ASCII, one id per character (id = char - 32), plus EOS = 95: fits the 96-token test models.</summary>
internal sealed class AsciiTestTokenizer : ITextTokenizer
{
    public const int Eos = 95;

    public int VocabSize => 96;

    public int? BosId => null;

    public IReadOnlyList<int> EosIds => [Eos];

    public int PadId => 0;

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false) =>
        text.Select(c => c is >= ' ' and <= '~' ? c - 32 : '?' - 32).ToList();

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) =>
        new(ids.Where(id => !(skipSpecialTokens && id == Eos)).Select(id => id is >= 0 and < Eos ? (char)(id + 32) : '#').ToArray());
}
