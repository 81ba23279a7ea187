namespace R1Sharp.Verify;

/// <summary>The verdict on one response.</summary>
/// <param name="Correct">True when the extracted answer is equivalent to the gold under docs/verifier-policy.md.</param>
/// <param name="Extracted">The final answer found in the response, or null when there was none.</param>
/// <param name="Error">Why the check could not be made normally (no answer, unparsable gold or answer, budget exceeded); null otherwise.</param>
public sealed record VerificationResult(bool Correct, string? Extracted, string? Error);
