namespace R1Sharp.Text.Tokenization;

/// <summary>Everything read from the tokenizer files that encoding needs, whatever layout it came from.</summary>
/// <param name="Vocabulary">Byte-level token text -> id (the BPE model's vocabulary, without added tokens).</param>
/// <param name="Merges">Merge rules "left right", highest priority first.</param>
/// <param name="IgnoreMerges">Llama 3's <c>ignore_merges</c>.</param>
/// <param name="AddedTokens">Tokens matched verbatim before BPE.</param>
/// <param name="Normalizer">Unicode normalization of plain text.</param>
/// <param name="PreTokenizer">How plain text is split into words.</param>
/// <param name="PostProcessorPrefix">Special token text the post-processor puts first (Llama 3's BOS), if any.</param>
internal sealed record TokenizerDefinition(
    Dictionary<string, int> Vocabulary,
    IReadOnlyList<string> Merges,
    bool IgnoreMerges,
    IReadOnlyList<AddedToken> AddedTokens,
    TextNormalizer Normalizer,
    PreTokenizerPipeline PreTokenizer,
    string? PostProcessorPrefix);
