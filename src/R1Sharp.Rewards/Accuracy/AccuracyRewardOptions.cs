using R1Sharp.Verify;

namespace R1Sharp.Rewards.Accuracy;

/// <summary>Options of <see cref="AccuracyReward"/>.</summary>
public sealed record AccuracyRewardOptions
{
    /// <summary>
    /// Row field holding the gold answer. Default <c>"answer"</c> (MATH-500, AIME, GSM8K-style rows). When the
    /// field is missing, <see cref="SolutionField"/> is tried.
    /// </summary>
    public string AnswerField { get; init; } = "answer";

    /// <summary>
    /// Row field holding a worked reference solution whose last <c>\boxed{}</c> is the gold, as open-r1's
    /// accuracy_reward reads NuminaMath's <c>solution</c>. Default <c>"solution"</c>; null disables the fallback.
    /// </summary>
    public string? SolutionField { get; init; } = "solution";

    /// <summary>
    /// Verification options. Default <see cref="VerifyOptions.Default"/>: no last-number fallback, as
    /// docs/verifier-policy.md rule 1 requires for rewards.
    /// </summary>
    public VerifyOptions Verify { get; init; } = VerifyOptions.Default;
}
