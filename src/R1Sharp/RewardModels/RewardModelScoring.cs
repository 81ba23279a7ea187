namespace R1Sharp.RewardModels;

/// <summary>What an <see cref="IRewardModelScorer"/> returned for a batch of texts.</summary>
/// <param name="Scores">Raw score per text (the head's output, no activation); null where scoring failed.</param>
/// <param name="Problems">Why each null score failed (null where scored).</param>
/// <param name="Truncated">Texts longer than the scorer's <c>max_length</c> that kept only their last tokens.</param>
/// <param name="Requests">HTTP requests made (0 in-process).</param>
public sealed record RewardModelScoring(IReadOnlyList<double?> Scores, IReadOnlyList<string?> Problems, int Truncated, int Requests);
