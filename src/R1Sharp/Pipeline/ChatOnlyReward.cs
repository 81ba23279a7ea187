using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;

namespace R1Sharp.Pipeline;

/// <summary>
/// A batched model-based reward (the trained reward model) that applies to chat rows only: reasoning rows get null, so
/// stage 4 scores reasoning by rule and chat by the reward model, as the paper's last stage does.
/// </summary>
/// <param name="inner">The model-based reward (owned: disposed with this one when it is disposable).</param>
public sealed class ChatOnlyReward(IBatchRewardFunction inner) : IBatchRewardFunction, IDisposable
{
    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public async Task<BatchRewardResult> ScoreBatchAsync(IReadOnlyList<RewardInput> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var chat = Enumerable.Range(0, inputs.Count).Where(i => ChatTask.IsChat(inputs[i].Row)).ToList();
        var scores = new double?[inputs.Count];
        if (chat.Count == 0) return new BatchRewardResult(scores);
        var result = await inner.ScoreBatchAsync([.. chat.Select(i => inputs[i])], cancellationToken).ConfigureAwait(false);
        for (int j = 0; j < chat.Count; j++) scores[chat[j]] = result.Scores[j];
        return new BatchRewardResult(scores, result.Counters);
    }

    /// <inheritdoc />
    public async ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default) =>
        (await ScoreBatchAsync([input], cancellationToken).ConfigureAwait(false)).Scores[0];

    /// <summary>Disposes the inner reward.</summary>
    public void Dispose() => (inner as IDisposable)?.Dispose();
}
