namespace R1Sharp.Rewards.Composition;

/// <summary>What an <see cref="IBatchRewardFunction"/> returns for one batch.</summary>
/// <param name="Scores">One score per input, in input order; null where the function does not apply.</param>
/// <param name="Counters">Counts the function reports for the batch, keyed by metric name (e.g. <c>judge/failures</c>);
/// counts of several batches are summed (<see cref="RewardScores.Concatenate"/>), so only counts belong here. Null for none.</param>
public sealed record BatchRewardResult(IReadOnlyList<double?> Scores, IReadOnlyDictionary<string, double>? Counters = null);
