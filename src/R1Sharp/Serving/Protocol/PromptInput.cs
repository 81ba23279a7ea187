namespace R1Sharp.Serving.Protocol;

/// <summary>A /v1/completions prompt: text to tokenize, or token ids given directly (as vLLM accepts).</summary>
/// <param name="Text">The prompt text, or null when ids were given.</param>
/// <param name="TokenIds">The prompt's token ids, or null when text was given.</param>
public sealed record PromptInput(string? Text, IReadOnlyList<int>? TokenIds);
