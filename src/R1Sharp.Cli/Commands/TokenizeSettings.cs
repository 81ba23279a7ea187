namespace R1Sharp.Cli.Commands;

/// <summary>
/// What `r1 tokenize` does. The encode defaults are those of Hugging Face's <c>tokenizer(text)</c>:
/// <c>add_special_tokens=True</c>, <c>split_special_tokens=False</c>.
/// </summary>
public sealed record TokenizeSettings
{
    /// <summary>Decode a JSON array of ids instead of encoding text.</summary>
    public bool Decode { get; init; }

    /// <summary>Encode special-token text as plain text (transformers' <c>split_special_tokens=True</c>). Default false.</summary>
    public bool SplitSpecialTokens { get; init; }

    /// <summary>Prepend BOS when the model's config asks for it (transformers' <c>add_special_tokens</c>). Default true.</summary>
    public bool AddSpecialTokens { get; init; } = true;

    /// <summary>Decode: keep special tokens in the text. Default false (they are dropped).</summary>
    public bool KeepSpecialTokensOnDecode { get; init; }
}
