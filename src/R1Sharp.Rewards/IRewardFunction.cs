namespace R1Sharp.Rewards;

/// <summary>
/// A rule-based reward: (prompt, completion, data-set row) -> a score, or <c>null</c> when the function
/// does not apply to this row (e.g. an accuracy reward for a row whose gold answer cannot be parsed).
/// A <c>null</c> score is left out of that function's mean and counts as 0 in the weighted sum, as in TRL.
/// Implementations must be thread-safe: the trainer scores a batch of completions in parallel.
/// </summary>
public interface IRewardFunction
{
    /// <summary>Short stable name used on the command line and in metrics (<c>rewards/&lt;Name&gt;/mean</c>).</summary>
    string Name { get; }

    /// <summary>Scores one completion. Documented ranges are per implementation.</summary>
    ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default);
}
