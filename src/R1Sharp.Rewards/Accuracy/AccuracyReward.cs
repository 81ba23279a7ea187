using R1Sharp.Verify;

namespace R1Sharp.Rewards.Accuracy;

/// <summary>
/// The accuracy reward of DeepSeek-R1 (§2.2.2) for math: 1.0 when the completion's final answer is equivalent to
/// the gold under docs/verifier-policy.md, else 0.0; null (not applicable) when the row has no usable gold, as TRL and
/// open-r1 skip such rows. Thread-safe; never throws on malformed completions.
/// </summary>
public sealed class AccuracyReward : IRewardFunction
{
    private readonly AccuracyRewardOptions _options;

    /// <summary>Creates the reward with <paramref name="options"/> (defaults when null).</summary>
    public AccuracyReward(AccuracyRewardOptions? options = null) => _options = options ?? new AccuracyRewardOptions();

    /// <inheritdoc />
    public string Name => "accuracy";

    /// <inheritdoc />
    public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        cancellationToken.ThrowIfCancellationRequested();
        string? gold = GoldAnswer(input);
        if (gold is null || !MathVerifier.IsUsableGold(gold, _options.Verify)) return ValueTask.FromResult<double?>(null);
        var result = MathVerifier.Verify(gold, input.Completion ?? "", _options.Verify);
        return ValueTask.FromResult<double?>(result.Correct ? 1.0 : 0.0);
    }

    private string? GoldAnswer(RewardInput input)
    {
        string? answer = input.Field(_options.AnswerField);
        if (!string.IsNullOrWhiteSpace(answer)) return answer;
        if (_options.SolutionField is null) return null;
        string? solution = input.Field(_options.SolutionField);
        if (string.IsNullOrWhiteSpace(solution)) return null;
        // A solution counts only through its last box (open-r1 parses the gold the same way); Verify reads it.
        return solution.Contains("\\boxed", StringComparison.Ordinal) || solution.Contains("\\fbox", StringComparison.Ordinal) ? solution : null;
    }
}
