namespace R1Sharp.Evaluation.Metrics;

/// <summary>One sample's ballot in a majority vote.</summary>
/// <param name="SampleIndex">The sample's index within its question; the lower index wins a tie.</param>
/// <param name="Answer">The extracted answer, or null when the sample gave none (it does not vote).</param>
/// <param name="Correct">Whether the verifier judged this sample correct.</param>
public sealed record VoteCandidate(int SampleIndex, string? Answer, bool Correct);
