using R1Sharp.Text;

namespace R1Sharp.Tests.Serving;

/// <summary>
/// <see cref="AsciiTestTokenizer"/>'s encoding with a decoding of the test's choice, id by id: how the tool tests make a
/// random model's output read as tool calls (or fences) without training it.
/// </summary>
/// <param name="decodeId">The text of one id; the flag is <c>skipSpecialTokens</c>.</param>
/// <param name="withEos">Whether <see cref="AsciiTestTokenizer.Eos"/> ends a reply (false: nothing ends one early).</param>
internal sealed class RereadAsciiTokenizer(Func<int, bool, string> decodeId, bool withEos) : ITextTokenizer
{
    private static readonly AsciiTestTokenizer _ascii = new();

    public int VocabSize => _ascii.VocabSize;

    public int? BosId => null;

    public IReadOnlyList<int> EosIds => withEos ? _ascii.EosIds : [];

    public int PadId => 0;

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false) => _ascii.Encode(text, addSpecialTokens);

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) => string.Concat(ids.Select(id => decodeId(id, skipSpecialTokens)));

    /// <summary>The ASCII text of one id.</summary>
    public static string Ascii(int id) => _ascii.Decode([id]);
}
