using R1Sharp.Rewards;

namespace R1Sharp.Pipeline;

/// <summary>A rule reward that applies to reasoning rows only: null (not applicable) for chat rows, the inner reward's score otherwise.</summary>
/// <param name="inner">The reward (e.g. the task accuracy reward).</param>
public sealed class ReasoningOnlyReward(IRewardFunction inner) : IRewardFunction
{
    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ChatTask.IsChat(input.Row) ? ValueTask.FromResult<double?>(null) : inner.ScoreAsync(input, cancellationToken);
    }
}
