namespace R1Sharp.Training.Rollouts;

/// <summary>Where and how the GRPO trainer sends generation when it does not sample in-process.</summary>
public sealed record RemoteRolloutOptions
{
    /// <summary>Base URLs of OpenAI-compatible servers (`r1 serve`, vLLM, SGLang...), e.g. http://127.0.0.1:8000/. Prompts are spread across them.</summary>
    public IReadOnlyList<Uri> Endpoints { get; init; } = [];

    /// <summary>The "model" field sent with each request (null: omitted, the server's only model).</summary>
    public string? ModelName { get; init; }

    /// <summary>API key sent as a Bearer token (null: none). Never logged.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Requests in flight at once, over all endpoints. Default 64.</summary>
    public int MaxConcurrency { get; init; } = 64;

    /// <summary>Attempts per request on 429, 5xx or a transport error, with exponential backoff. Default 4.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Timeout of one request. Default 10 minutes (long completions on CPU).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Directory the policy is saved into after each update before the servers are told to reload it (POST /v1/reload).
    /// It must be readable by every server (same machine or a shared file system). Null: weights are not pushed.
    /// </summary>
    public string? WeightsDirectory { get; init; }
}
