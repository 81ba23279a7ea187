using System.Text;

namespace R1Sharp.Text.Tokenization;

/// <summary>
/// A Hugging Face byte-level BPE tokenizer (Qwen2 / Qwen2.5 / R1-Distill, Llama 3, GPT-2 family) loaded from a model
/// directory: <c>tokenizer.json</c> if present, else <c>vocab.json</c> + <c>merges.txt</c>, plus
/// <c>tokenizer_config.json</c> and <c>generation_config.json</c> for BOS / EOS / pad.
/// </summary>
/// <remarks>
/// Encoding follows Hugging Face's pipeline: added tokens are found first, the text between them is normalized,
/// split by the model's regex, mapped to bytes and merged by BPE (Microsoft.ML.Tokenizers' <c>BpeTokenizer</c>).
/// Decoding concatenates the tokens' bytes and reads them as UTF-8 (invalid sequences become U+FFFD, as in
/// Hugging Face), so any text in normalized form survives a round trip byte for byte.
/// </remarks>
public sealed class HuggingFaceTokenizer : ITextTokenizer
{
    private readonly BytePairModel _model;
    private readonly TokenizerDefinition _definition;
    private readonly AddedTokenMatcher _matcher;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly Dictionary<string, AddedToken> _addedByContent;
    private readonly string[] _tokenById;
    private readonly bool _prependBos;

    private HuggingFaceTokenizer(TokenizerDefinition definition, TokenizerConfig config, string source)
    {
        _definition = definition;
        Config = config;
        Source = source;
        _model = new BytePairModel(definition.Vocabulary, definition.Merges, definition.IgnoreMerges);

        // tokenizer.json's added tokens win over the config's added_tokens_decoder for the same id.
        _addedById = new Dictionary<int, AddedToken>();
        foreach (var token in definition.AddedTokens.Concat(config.AddedTokens)) _addedById.TryAdd(token.Id, token);
        _addedByContent = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        foreach (var token in _addedById.Values.OrderBy(t => t.Id)) _addedByContent.TryAdd(token.Content, token);
        _matcher = new AddedTokenMatcher(_addedByContent.Values);

        int size = Math.Max(definition.Vocabulary.Count == 0 ? 0 : definition.Vocabulary.Values.Max() + 1,
            _addedById.Count == 0 ? 0 : _addedById.Keys.Max() + 1);
        _tokenById = new string[size];
        foreach (var (text, id) in definition.Vocabulary) _tokenById[id] = text;
        foreach (var (id, token) in _addedById) _tokenById[id] = token.Content;
        VocabSize = size;

        BosId = IdOfSpecial(config.BosToken ?? definition.PostProcessorPrefix, "bos_token");
        // transformers: add_bos_token in the config decides (LlamaTokenizerFast rebuilds the post-processor from it);
        // without it the post-processor of tokenizer.json decides.
        _prependBos = BosId is not null && (config.AddBosToken ?? definition.PostProcessorPrefix is not null);
        var eos = new List<int>();
        if (IdOfSpecial(config.EosToken, "eos_token") is int eosId) eos.Add(eosId);
        foreach (int id in config.GenerationEosIds) if (!eos.Contains(id)) eos.Add(id);
        EosIds = eos;
        PadId = IdOfSpecial(config.PadToken, "pad_token") ?? config.GenerationPadId ?? (eos.Count > 0 ? eos[0] : 0);
    }

    /// <summary>The settings read from tokenizer_config.json / generation_config.json.</summary>
    public TokenizerConfig Config { get; }

    /// <summary>Which files the tokenizer was read from (for messages).</summary>
    public string Source { get; }

    /// <inheritdoc />
    public int VocabSize { get; }

    /// <inheritdoc />
    public int? BosId { get; }

    /// <summary>Whether <c>Encode(text, addSpecialTokens: true)</c> puts <see cref="BosId"/> first.</summary>
    public bool AddsBosToken => _prependBos;

    /// <inheritdoc />
    public IReadOnlyList<int> EosIds { get; }

    /// <inheritdoc />
    public int PadId { get; }

    /// <summary>Tokens matched verbatim before BPE (special ones and others such as &lt;tool_call&gt;), by id.</summary>
    public IReadOnlyCollection<AddedToken> AddedTokens => _addedById.Values;

    /// <summary>The Unicode normalization applied to text (e.g. "NFC").</summary>
    public string Normalization => _definition.Normalizer.Description;

    /// <summary>
    /// Loads the tokenizer of a model directory: <c>tokenizer.json</c> if present, else <c>vocab.json</c> +
    /// <c>merges.txt</c> (with tokenizer_config.json's <c>tokenizer_class</c> choosing the split regex).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">Neither layout is present.</exception>
    /// <exception cref="TokenizerFormatException">A file is malformed or uses an unsupported component.</exception>
    public static HuggingFaceTokenizer Load(string modelDirectory)
    {
        if (!Directory.Exists(modelDirectory)) throw new DirectoryNotFoundException($"{modelDirectory}: model directory not found");
        var config = TokenizerConfig.Load(modelDirectory);
        string json = Path.Combine(modelDirectory, "tokenizer.json");
        if (File.Exists(json)) return new HuggingFaceTokenizer(TokenizerJsonReader.Read(json), config, json);
        string vocab = Path.Combine(modelDirectory, "vocab.json"), merges = Path.Combine(modelDirectory, "merges.txt");
        if (File.Exists(vocab) && File.Exists(merges))
        {
            var definition = SlowTokenizerFilesReader.Read(vocab, merges, config, Path.Combine(modelDirectory, TokenizerConfig.FileName));
            return new HuggingFaceTokenizer(definition, config, $"{vocab} + {merges}");
        }
        throw new FileNotFoundException(
            $"{modelDirectory}: no tokenizer found (expected tokenizer.json, or vocab.json + merges.txt with tokenizer_config.json)");
    }

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false) => Encode(text, addSpecialTokens, parseSpecialTokens: true);

    /// <summary>Encodes text.</summary>
    /// <param name="text">Any text; unpaired surrogates are encoded as U+FFFD, as UTF-8 encoding would.</param>
    /// <param name="addSpecialTokens">Prepend BOS when the tokenizer's config asks for it (Llama 3, R1-Distill).</param>
    /// <param name="parseSpecialTokens">
    /// True (the default, as transformers): special tokens written in the text become their ids. False: they are
    /// tokenized as ordinary text (transformers' <c>split_special_tokens=True</c>), which keeps user text from
    /// injecting control tokens.
    /// </param>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens, bool parseSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        if (addSpecialTokens && _prependBos && BosId is int bos) ids.Add(bos);
        foreach (var segment in _matcher.Split(ReplaceLoneSurrogates(text), parseSpecialTokens))
        {
            if (segment.Token is { } token)
            {
                ids.Add(token.Id);
                continue;
            }
            string normalized = _definition.Normalizer.Normalize(segment.Text!);
            foreach (string word in _definition.PreTokenizer.Split(normalized)) _model.EncodeWord(word, ids);
        }
        return ids;
    }

    /// <summary>Encodes many texts (same settings for each).</summary>
    public IReadOnlyList<IReadOnlyList<int>> EncodeBatch(IEnumerable<string> texts, bool addSpecialTokens = false, bool parseSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return texts.Select(t => Encode(t, addSpecialTokens, parseSpecialTokens)).ToList();
    }

    /// <summary>
    /// Decodes ids; byte-exact inverse of <see cref="Encode(string, bool)"/> for text without special tokens. An id
    /// the tokenizer lacks (an embedding padding id past <see cref="VocabSize"/>) decodes to nothing, as in Hugging
    /// Face tokenizers, so model output never makes decoding throw.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            if (TokenText(id) is not string token) continue;
            if (skipSpecialTokens && _addedById.TryGetValue(id, out var added) && added.Special) continue;
            // As Hugging Face's ByteLevel decoder: a token whose characters are all in the byte alphabet stands for
            // those bytes; any other token (e.g. "<｜User｜>") stands for its own UTF-8.
            int mark = bytes.Count;
            if (!ByteLevelAlphabet.TryAppendBytes(token, bytes))
            {
                bytes.RemoveRange(mark, bytes.Count - mark);
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>
    /// Writes this tokenizer as a Hugging Face <c>tokenizer.json</c> (e.g. to convert the vocab.json + merges.txt layout
    /// for tools that only read the fast layout). The file is written to a temporary name and then renamed.
    /// </summary>
    public void SaveTokenizerJson(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        TokenizerJsonWriter.Write(_definition, _addedById.Values, path);
    }

    /// <summary>Vocabulary entries (byte-level token text -> id) of the BPE model, without added tokens.</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _definition.Vocabulary;

    /// <summary>The BPE merge rules "left right", highest priority first.</summary>
    public IReadOnlyList<string> Merges => _definition.Merges;

    /// <summary>The pre-tokenizer split regexes, in order.</summary>
    public IReadOnlyList<string> SplitPatterns => _definition.PreTokenizer.Splits.Select(s => s.Pattern).ToList();

    /// <summary>The id of a vocabulary or added token written as stored (byte-level form for BPE tokens), or null.</summary>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_addedByContent.TryGetValue(token, out var added)) return added.Id;
        return _definition.Vocabulary.TryGetValue(token, out int id) ? id : null;
    }

    /// <summary>The stored text of a token id (byte-level form for BPE tokens), or null when the id is unused.</summary>
    public string? TokenText(int id) => id >= 0 && id < _tokenById.Length ? _tokenById[id] : null;

    /// <summary>Whether the id is an added token marked special.</summary>
    public bool IsSpecial(int id) => _addedById.TryGetValue(id, out var token) && token.Special;

    private int? IdOfSpecial(string? token, string field)
    {
        if (token is null) return null;
        return TokenToId(token) ?? throw new TokenizerFormatException(Source, field, $"'{token}' is neither in the vocabulary nor an added token");
    }

    private static string ReplaceLoneSurrogates(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0) return text;
        var builder = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else
            {
                builder.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return builder.ToString();
    }
}
