namespace R1Sharp.Serving.Protocol;

/// <summary>The sampling fields shared by /v1/chat/completions and /v1/completions, validated.</summary>
/// <param name="N">Choices per prompt (default 1).</param>
/// <param name="Temperature">0 = greedy; default 1.</param>
/// <param name="TopP">Nucleus mass in (0, 1]; default 1.</param>
/// <param name="MaxTokens">New tokens at most (the server's default when the request gives none).</param>
/// <param name="Stop">Up to 4 stop strings (not included in the text).</param>
/// <param name="Seed">Makes sampling reproducible; choice j uses seed + j.</param>
/// <param name="LogProbs">Return each generated token's log-probability.</param>
/// <param name="Stream">Answer with server-sent events.</param>
/// <param name="IncludeUsage">stream_options.include_usage: a final chunk with token counts.</param>
/// <param name="ReturnTokenIds">Non-standard (as vLLM's): each choice also carries "token_ids", the generated ids, so a trainer needs no re-tokenization.</param>
/// <param name="ToolCalls">Chat with <c>tools</c>: <c>&lt;tool_call&gt;</c> blocks in a reply are returned as OpenAI <c>tool_calls</c> (finish_reason <c>tool_calls</c>).</param>
/// <param name="FencedPythonCalls">Chat whose <c>tools</c> declare a function named <c>python</c>: closed <c>```python</c> fences are its calls too (issue 20).</param>
/// <param name="MaxTokensFromRequest">False when <paramref name="MaxTokens"/> is the server's default: it is then lowered to what the context leaves after the prompt, as vLLM does, rather than refused.</param>
public sealed record CompletionParameters(
    int N,
    double Temperature,
    double TopP,
    int MaxTokens,
    IReadOnlyList<string> Stop,
    long? Seed,
    bool LogProbs,
    bool Stream,
    bool IncludeUsage,
    bool ReturnTokenIds = false,
    bool MaxTokensFromRequest = true,
    bool ToolCalls = false,
    bool FencedPythonCalls = false);
