namespace R1Sharp.Training.Grpo;

/// <summary>Rewards of a batch of completions.</summary>
/// <param name="Total">Weighted sum per completion (a function's null counts as 0, as in TRL).</param>
/// <param name="PerFunction">Each function's raw scores by name (null where it did not apply).</param>
public sealed record RewardScores(double[] Total, IReadOnlyDictionary<string, double?[]> PerFunction);
