using Microsoft.ML.Tokenizers;

namespace R1Sharp.Text.Tokenization;

/// <summary>
/// The BPE model proper: byte-level merges over one pre-tokenized word, delegated to Microsoft.ML.Tokenizers'
/// <see cref="BpeTokenizer"/> (which matched Hugging Face's Rust implementation id for id).
/// </summary>
internal sealed class BytePairModel
{
    private readonly BpeTokenizer _bpe;
    private readonly Dictionary<string, int> _vocabulary;
    private readonly bool _ignoreMerges;

    /// <param name="vocabulary">Byte-level token text -> id.</param>
    /// <param name="merges">Merge rules "left right", highest priority first.</param>
    /// <param name="ignoreMerges">Llama 3's <c>ignore_merges</c>: a word found whole in the vocabulary is one token.</param>
    public BytePairModel(Dictionary<string, int> vocabulary, IReadOnlyList<string> merges, bool ignoreMerges)
    {
        _vocabulary = vocabulary;
        _ignoreMerges = ignoreMerges;
        var options = new BpeOptions(vocabulary)
        {
            Merges = merges,
            ByteLevel = true,
            PreTokenizer = WholeTextPreTokenizer.Instance,
        };
        _bpe = BpeTokenizer.Create(options);
    }

    /// <summary>Byte-level token text -> id.</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _vocabulary;

    /// <summary>Appends the ids of one pre-tokenized word (plain text; the byte-level mapping happens here).</summary>
    public void EncodeWord(string word, List<int> ids)
    {
        if (word.Length == 0) return;
        if (_ignoreMerges && _vocabulary.TryGetValue(ByteLevelAlphabet.EncodeText(word), out int whole))
        {
            ids.Add(whole);
            return;
        }
        ids.AddRange(_bpe.EncodeToIds(word, considerPreTokenization: false, considerNormalization: false));
    }
}
