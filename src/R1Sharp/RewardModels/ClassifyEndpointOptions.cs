using R1Sharp.Evaluation.Backends;

namespace R1Sharp.RewardModels;

/// <summary>Where and how <see cref="ClassifyEndpointScorer"/> reaches a reward-model server.</summary>
public sealed record ClassifyEndpointOptions
{
    /// <summary>
    /// The server's base URL, to which <c>/classify</c> is appended (vLLM serves <c>http://host:8000/classify</c>,
    /// SGLang <c>http://host:30000/v1/classify</c>, <c>r1 serve</c> both), or the full <c>.../classify</c> URL. Required.
    /// </summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The <c>model</c> field of each request (the served reward model's name). Required.</summary>
    public required string Model { get; init; }

    /// <summary>Bearer token, or null.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Texts per request. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Requests in flight at once. Default 4.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>Sent as <c>truncate_prompt_tokens</c>: a longer text keeps its last this many tokens, as in-process scoring does. Default 2048.</summary>
    public int MaxLength { get; init; } = 2048;

    /// <summary>Time allowed for one attempt. Default 5 min.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Retries of transient failures. Default: <see cref="RetryPolicy"/>'s defaults.</summary>
    public RetryPolicy Retry { get; init; } = new();

    /// <summary>The full <c>/classify</c> URL.</summary>
    public Uri ClassifyUri =>
        Endpoint.AbsolutePath.TrimEnd('/').EndsWith("/classify", StringComparison.Ordinal)
            ? Endpoint
            : new Uri(Endpoint.ToString().TrimEnd('/') + "/classify");
}
