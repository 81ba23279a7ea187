namespace R1Sharp.Verify;

/// <summary>Options of one verification (<see cref="MathVerifier"/>). Every default follows docs/verifier-policy.md.</summary>
public sealed record VerifyOptions
{
    /// <summary>How the final answer is extracted from a response. Default <see cref="ExtractionOptions.Default"/>.</summary>
    public ExtractionOptions Extraction { get; init; } = ExtractionOptions.Default;

    /// <summary>
    /// Wall-clock budget of one comparison. Default 2 s (Math-Verify's default timeout is 5 s). Ordinary checks take
    /// microseconds and the size limits bound the rest; the budget is the last guard, generous enough that a cold
    /// start (JIT) on a busy machine never trips it. Work is polled against it (no threads or signals, unlike
    /// Math-Verify's SIGALRM timeout), and a check that runs out answers "not equal" (policy rule 12).
    /// </summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Largest exact intermediate number, in bits (numerator + denominator), before arithmetic turns approximate.
    /// Default 20,000 bits (about 6,000 digits): exact enough for 1/2^99 ≠ 1/2^98, small enough that a power tower is
    /// never expanded (rule 12).
    /// </summary>
    public int MaxExactBits { get; init; } = 20_000;

    /// <summary>The default options.</summary>
    public static VerifyOptions Default { get; } = new();
}
