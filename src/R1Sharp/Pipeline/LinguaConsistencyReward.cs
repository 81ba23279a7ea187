using R1Sharp.Rewards;

namespace R1Sharp.Pipeline;

/// <summary>
/// DeepSeek-R1's language-consistency reward on the built-in world (name <c>language</c>): the share of the chain of
/// thought's words in the question's language (<see cref="Lingua.Consistency"/>; Lingua when the prompt asks in Lingua,
/// <see cref="Lingua.AsksInLingua"/>), 1 when the reasoning holds no word (nothing in it is in the wrong language);
/// null for chat rows. The paper sums it with the accuracy reward.
/// </summary>
public sealed class LinguaConsistencyReward : IRewardFunction
{
    /// <inheritdoc />
    public string Name => "language";

    /// <inheritdoc />
    public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ValueTask.FromResult(ChatTask.IsChat(input.Row) ? null : (double?)(Lingua.Consistency(input.Completion, Lingua.AsksInLingua(input.Prompt)) ?? 1.0));
    }
}
