namespace R1Sharp.Serving;

/// <summary>Options of `r1 serve`. Defaults are safe: loopback only, bounded sizes and queue.</summary>
public sealed record ServeOptions
{
    /// <summary>Address to bind. Default 127.0.0.1: the server is reachable from this machine only unless told otherwise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (tests). Default 8000, as vLLM.</summary>
    public int Port { get; init; } = 8000;

    /// <summary>Name reported by /v1/models and accepted in requests' "model". Default: the model directory's name.</summary>
    public string ModelName { get; init; } = "r1sharp";

    /// <summary>When set, every /v1 request needs "Authorization: Bearer &lt;key&gt;". Never logged. Default none.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Largest request body in bytes (413 beyond). Default 1 MiB.</summary>
    public long MaxRequestBytes { get; init; } = 1 << 20;

    /// <summary>Upper bound for a request's max_tokens (400 beyond). Default 4096.</summary>
    public int MaxTokensLimit { get; init; } = 4096;

    /// <summary>
    /// max_tokens when a request gives none, lowered to what the context leaves after the prompt (as vLLM does).
    /// Default 4096, so that an R1-style chain of thought is not cut short; at most <see cref="MaxTokensLimit"/>.
    /// </summary>
    public int DefaultMaxTokens { get; init; } = 4096;

    /// <summary>Most choices (n) per request. Default 16.</summary>
    public int MaxChoices { get; init; } = 16;

    /// <summary>Most sequences decoded together by continuous batching. Default 32.</summary>
    public int MaxBatch { get; init; } = 32;

    /// <summary>Most sequences waiting for a batch row; beyond it requests get 429 with Retry-After. Default 256.</summary>
    public int MaxQueue { get; init; } = 256;

    /// <summary>Positions of the shared KV cache (prompt + max_tokens must fit); capped by the model's max_position_embeddings. Default 4096.</summary>
    public int ContextLength { get; init; } = 4096;

    /// <summary>On shutdown, how long in-flight requests may run before they are cut. Default 10 s.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks the values; errors name the option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host)) throw new ArgumentException("--host must not be empty");
        if (Port is < 0 or > 65535) throw new ArgumentException($"--port must be 0..65535 (got {Port})");
        if (MaxRequestBytes < 1024) throw new ArgumentException($"--max-request-bytes must be at least 1024 (got {MaxRequestBytes})");
        if (MaxTokensLimit < 1) throw new ArgumentException($"--max-tokens-limit must be positive (got {MaxTokensLimit})");
        if (DefaultMaxTokens < 1 || DefaultMaxTokens > MaxTokensLimit) throw new ArgumentException($"--default-max-tokens must be 1..{MaxTokensLimit} (got {DefaultMaxTokens})");
        if (MaxChoices < 1) throw new ArgumentException($"--max-choices must be positive (got {MaxChoices})");
        if (MaxBatch < 1) throw new ArgumentException($"--max-batch must be positive (got {MaxBatch})");
        if (MaxQueue < 1) throw new ArgumentException($"--max-queue must be positive (got {MaxQueue})");
        if (ContextLength < 2) throw new ArgumentException($"--context-length must be at least 2 (got {ContextLength})");
    }
}
