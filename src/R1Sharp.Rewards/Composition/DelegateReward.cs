namespace R1Sharp.Rewards.Composition;

/// <summary>
/// A reward written as a lambda, the way TRL users pass a plain function as a reward:
/// <c>new DelegateReward("boxed", input =&gt; input.Completion.Contains("\\boxed{") ? 1.0 : 0.0)</c>.
/// Score range: whatever the delegate returns (null for "not applicable"). The delegate must be thread-safe.
/// </summary>
public sealed class DelegateReward : IRewardFunction
{
    private readonly Func<RewardInput, CancellationToken, ValueTask<double?>> _score;

    /// <summary>Wraps a synchronous scoring function.</summary>
    /// <param name="name">Name used in specs and metrics.</param>
    /// <param name="score">Scores one completion.</param>
    /// <exception cref="ArgumentException">The name is not a valid reward name.</exception>
    public DelegateReward(string name, Func<RewardInput, double?> score)
        : this(name, WrapSync(score))
    {
    }

    /// <summary>Wraps an asynchronous scoring function (e.g. one that calls a remote judge).</summary>
    /// <param name="name">Name used in specs and metrics.</param>
    /// <param name="score">Scores one completion; receives the cancellation token.</param>
    /// <exception cref="ArgumentException">The name is not a valid reward name.</exception>
    public DelegateReward(string name, Func<RewardInput, CancellationToken, ValueTask<double?>> score)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(score);
        if (!RewardSpec.IsValidName(name))
            throw new ArgumentException($"'{name}' is not a valid reward name (letters, digits, '_', '-' or '.').", nameof(name));
        Name = name;
        _score = score;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return _score(input, cancellationToken);
    }

    private static Func<RewardInput, CancellationToken, ValueTask<double?>> WrapSync(Func<RewardInput, double?> score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return (input, _) => ValueTask.FromResult(score(input));
    }
}
