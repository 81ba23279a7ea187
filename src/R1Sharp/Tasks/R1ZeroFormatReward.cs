using R1Sharp.Rewards;

namespace R1Sharp.Tasks;

/// <summary>Format reward of R1-Zero: 1 when the completion is <c>&lt;think&gt;…&lt;/think&gt; &lt;answer&gt;…&lt;/answer&gt;</c>, else 0.</summary>
public sealed class R1ZeroFormatReward : IRewardFunction
{
    /// <inheritdoc />
    public string Name => "format";

    /// <inheritdoc />
    public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ValueTask.FromResult<double?>(AnswerExtraction.HasR1ZeroFormat(input.Completion) ? 1.0 : 0.0);
    }
}
