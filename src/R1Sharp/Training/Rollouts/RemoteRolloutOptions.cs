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

    // issue 17: remote rollout backends

    /// <summary>The engine the endpoints run, which decides how weights are loaded (<see cref="WeightSyncPlan"/>) and which fields a completion request carries. Default r1.</summary>
    public RolloutBackend Backend { get; init; } = RolloutBackend.R1;

    /// <summary>Push the policy every this many optimizer steps. Default 1.</summary>
    public int SyncSteps { get; init; } = 1;

    /// <summary>Longest wait for one server's answer to one weight-loading call. Default 10 minutes.</summary>
    public TimeSpan SyncTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>True when the saved policy is a LoRA adapter (PEFT folder) rather than a full checkpoint.</summary>
    public bool AdapterOnly { get; init; }

    /// <summary>vLLM LoRA: the name the adapter is loaded under and sampled with. Default r1sharp-policy.</summary>
    public string AdapterName { get; init; } = "r1sharp-policy";

    /// <summary>SGLang: pause generation around the load (<c>/pause_generation</c>, <c>/continue_generation</c>). Default false.</summary>
    public bool PauseGeneration { get; init; }
}
