namespace R1Sharp.Text.Tokenization;

/// <summary>The split regexes of the byte-level BPE families this tokenizer knows by name.</summary>
public static class PreTokenizerPatterns
{
    /// <summary>GPT-2's regex (ByteLevel pre-tokenizer with <c>use_regex: true</c>).</summary>
    public const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>Qwen2 / Qwen2.5 / R1-Distill-Qwen: like Llama 3's, but every digit is its own word.</summary>
    public const string Qwen2 = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Llama 3 (and R1-Distill-Llama): digits in groups of up to three.</summary>
    public const string Llama3 = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
}
