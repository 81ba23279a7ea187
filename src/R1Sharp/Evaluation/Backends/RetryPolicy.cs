namespace R1Sharp.Evaluation.Backends;

/// <summary>
/// Exponential backoff with jitter for transient failures (HTTP 429 and 5xx, timeouts, dropped connections), as
/// OpenAI's and vLLM's client guidance recommends; a server's <c>Retry-After</c> always wins over the computed delay.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>Retries after the first attempt before a sample is reported as failed. Default 6 (about a minute of waiting in all).</summary>
    public int MaxRetries { get; init; } = 6;

    /// <summary>Delay before the first retry; doubled for each further one. Default 1 s.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap on the computed delay. Default 60 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Cap on a server's <c>Retry-After</c>, so that a misconfigured server cannot stall a run for hours. Default 10 min.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>True for the HTTP statuses worth retrying: 408, 409 (lock contention), 429 and every 5xx.</summary>
    public static bool IsTransient(int statusCode) => statusCode is 408 or 409 or 429 || statusCode >= 500;

    /// <summary>The delay before retry number <paramref name="retry"/> (0-based).</summary>
    /// <param name="retry">0 for the first retry.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>, if it sent one: used as is (up to <see cref="MaxRetryAfter"/>).</param>
    /// <param name="jitter">A number in [0, 1) (random in use): the delay is scaled into [50 %, 100 %] of the backoff so that many clients do not retry in lockstep.</param>
    public TimeSpan DelayBefore(int retry, TimeSpan? retryAfter, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retry);
        if (jitter is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "must be in [0, 1)");
        if (retryAfter is { } serverDelay)
            return serverDelay < TimeSpan.Zero ? TimeSpan.Zero : serverDelay > MaxRetryAfter ? MaxRetryAfter : serverDelay;
        double backoffMs = Math.Min(MaxDelay.TotalMilliseconds, InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 30)));
        return TimeSpan.FromMilliseconds(backoffMs * (0.5 + 0.5 * jitter));
    }
}
