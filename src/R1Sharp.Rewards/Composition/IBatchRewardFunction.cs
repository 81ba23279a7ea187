namespace R1Sharp.Rewards.Composition;

/// <summary>
/// A reward that scores a whole batch at once: a neural reward model runs one forward pass over many completions,
/// a remote judge keeps several requests in flight, and a normalisation over the group or the batch needs every
/// score of it. <see cref="RewardComposer"/> calls <see cref="ScoreBatchAsync"/> once per batch for such a function
/// (and <see cref="IRewardFunction.ScoreAsync"/> never). The completions of one prompt (a GRPO group) are the inputs
/// with the same <see cref="RewardInput.Prompt"/>.
/// </summary>
public interface IBatchRewardFunction : IRewardFunction
{
    /// <summary>Scores every completion of the batch.</summary>
    /// <param name="inputs">The batch, in order.</param>
    /// <param name="cancellationToken">Stops scoring.</param>
    /// <returns>One score per input (null = not applicable, as for <see cref="IRewardFunction"/>) and the function's counters for this batch.</returns>
    Task<BatchRewardResult> ScoreBatchAsync(IReadOnlyList<RewardInput> inputs, CancellationToken cancellationToken = default);
}
