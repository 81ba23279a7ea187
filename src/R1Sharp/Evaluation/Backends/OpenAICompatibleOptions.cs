namespace R1Sharp.Evaluation.Backends;

/// <summary>Where and how to reach an OpenAI-compatible chat completions server.</summary>
public sealed record OpenAICompatibleOptions
{
    /// <summary>
    /// Base URL of the API (e.g. <c>http://localhost:8000/v1</c> for vLLM) or the full <c>.../chat/completions</c> URL.
    /// Required.
    /// </summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The <c>model</c> field of each request (the served model's name). Required.</summary>
    public required string Model { get; init; }

    /// <summary>Bearer token, or null for local servers that need none. The CLI reads it from an environment variable (default <c>OPENAI_API_KEY</c>) so it never appears in shell history.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Time allowed for one attempt (headers and full body). Default 30 min: a 32k-token reasoning trace takes many minutes on a busy server.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Retries of transient failures. Default: <see cref="RetryPolicy"/>'s defaults.</summary>
    public RetryPolicy Retry { get; init; } = new();

    /// <summary>
    /// The served model's context length in tokens, used to cap <c>max_tokens</c> so that prompt + response fit
    /// (vLLM rejects a request that could overflow). Default null: asked once from the server's <c>/models</c>
    /// (vLLM's <c>max_model_len</c>); no cap when the server does not say.
    /// </summary>
    public int? ContextLength { get; init; }

    /// <summary>The full chat completions URL derived from <see cref="Endpoint"/>.</summary>
    public Uri ChatCompletionsUri =>
        Endpoint.AbsolutePath.TrimEnd('/').EndsWith("/chat/completions", StringComparison.Ordinal)
            ? Endpoint
            : new Uri(Endpoint.ToString().TrimEnd('/') + "/chat/completions");

    /// <summary>The <c>/completions</c> URL (raw prompts, token ids accepted) beside <see cref="ChatCompletionsUri"/>: the tool loop's endpoint (issue 20).</summary>
    public Uri CompletionsUri
    {
        get
        {
            string chat = ChatCompletionsUri.ToString();
            return new Uri(chat[..chat.LastIndexOf("/chat/completions", StringComparison.Ordinal)] + "/completions");
        }
    }

    /// <summary>The <c>/models</c> URL beside <see cref="ChatCompletionsUri"/>.</summary>
    public Uri ModelsUri
    {
        get
        {
            string chat = ChatCompletionsUri.ToString();
            return new Uri(chat[..chat.LastIndexOf("/chat/completions", StringComparison.Ordinal)] + "/models");
        }
    }
}
