namespace R1Sharp.Text;

/// <summary>
/// Text &lt;-&gt; token ids. Implemented by the Hugging Face tokenizer (tokenizer.json / vocab+merges) and by
/// the small built-in character tokenizer of the synthetic tasks.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>Number of ids the model's embedding must cover (base vocabulary plus added tokens).</summary>
    int VocabSize { get; }

    /// <summary>Id prepended to sequences when the model expects one (Llama 3), else null.</summary>
    int? BosId { get; }

    /// <summary>Ids that end generation (config's eos plus generation_config's eos list).</summary>
    IReadOnlyList<int> EosIds { get; }

    /// <summary>Id used to pad batches.</summary>
    int PadId { get; }

    /// <summary>Encodes text. Special tokens written in the text are recognised as such.</summary>
    /// <param name="text">Any UTF-8 text.</param>
    /// <param name="addSpecialTokens">Prepend BOS (if the tokenizer has one and its config asks for it).</param>
    IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false);

    /// <summary>Decodes ids; byte-exact inverse of <see cref="Encode"/> for text without special tokens.</summary>
    string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false);
}
