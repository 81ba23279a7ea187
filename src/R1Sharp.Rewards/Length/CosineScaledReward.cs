namespace R1Sharp.Rewards.Length;

/// <summary>
/// Length-scaled correctness on a cosine schedule (Yeo et al. 2025, "Demystifying Long Chain-of-Thought Reasoning
/// in LLMs"; open-r1 <c>cosine_scaled</c>): a correct completion earns more the shorter it is, a wrong one is
/// penalised less the longer it thought. Score range: [min(MinValueWrong, MinValueCorrect), max(MaxValueWrong,
/// MaxValueCorrect)], or <see cref="CosineScaledRewardOptions.ExceedLengthValue"/>; null when the wrapped reward is null.
/// </summary>
/// <remarks>
/// With progress p = min(length, MaxLength) / MaxLength and c = cos(p·π): a correct completion scores
/// MinValueCorrect + ½(MaxValueCorrect − MinValueCorrect)(1 + c), from MaxValueCorrect at length 0 down to
/// MinValueCorrect at MaxLength; a wrong one scores MaxValueWrong + ½(MinValueWrong − MaxValueWrong)(1 + c), from
/// MinValueWrong at length 0 up to MaxValueWrong. Correctness comes from any wrapped <see cref="IRewardFunction"/>
/// (accuracy, a code checker, a task verifier) whose score is at least the threshold.
/// </remarks>
public sealed class CosineScaledReward : IRewardFunction
{
    private readonly IRewardFunction _correctness;
    private readonly CosineScaledRewardOptions _options;

    /// <summary>Creates the reward.</summary>
    /// <param name="correctness">The reward that decides correctness (its score compared with the threshold).</param>
    /// <param name="options">Options; null for open-r1's defaults.</param>
    /// <exception cref="ArgumentException">MaxLength is not positive, a value is not finite, or a min exceeds its max.</exception>
    public CosineScaledReward(IRewardFunction correctness, CosineScaledRewardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(correctness);
        _correctness = correctness;
        _options = options ?? new CosineScaledRewardOptions();
        Validate(_options);
    }

    /// <inheritdoc />
    public string Name => "cosine";

    /// <summary>The reward that decides correctness.</summary>
    public IRewardFunction Correctness => _correctness;

    /// <summary>The options this reward was created with.</summary>
    public CosineScaledRewardOptions Options => _options;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">Lengths are counted in tokens and the input's token count was not set.</exception>
    public async ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        int length = CompletionLength.Measure(input, _options.Unit, Name);
        double? inner = await _correctness.ScoreAsync(input, cancellationToken).ConfigureAwait(false);
        if (inner is not { } score) return null;
        if ((length >= _options.MaxLength || input.Truncated) && _options.ExceedLengthValue is { } exceed) return exceed;
        return Schedule(score >= _options.CorrectThreshold, length);
    }

    /// <summary>The schedule's value for a completion of <paramref name="length"/> units.</summary>
    public double Schedule(bool correct, int length)
    {
        double progress = Math.Min(Math.Max(length, 0), _options.MaxLength) / (double)_options.MaxLength;
        double cosine = Math.Cos(progress * Math.PI);
        // Value at p=1 plus half the span times (1 + cos): cos = 1 at length 0 gives the other end.
        (double atEnd, double atStart) = correct
            ? (_options.MinValueCorrect, _options.MaxValueCorrect)
            : (_options.MaxValueWrong, _options.MinValueWrong);
        return atEnd + 0.5 * (atStart - atEnd) * (1.0 + cosine);
    }

    private static void Validate(CosineScaledRewardOptions o)
    {
        if (o.MaxLength <= 0)
            throw new ArgumentException($"MaxLength = {o.MaxLength}; it must be positive.", nameof(o.MaxLength));
        foreach ((string name, double value) in (ReadOnlySpan<(string, double)>)[
            (nameof(o.MinValueWrong), o.MinValueWrong), (nameof(o.MaxValueWrong), o.MaxValueWrong),
            (nameof(o.MinValueCorrect), o.MinValueCorrect), (nameof(o.MaxValueCorrect), o.MaxValueCorrect),
            (nameof(o.CorrectThreshold), o.CorrectThreshold), (nameof(o.ExceedLengthValue), o.ExceedLengthValue ?? 0)])
        {
            if (!double.IsFinite(value)) throw new ArgumentException($"{name} = {value}; it must be finite.", name);
        }
        if (o.MinValueWrong > o.MaxValueWrong)
            throw new ArgumentException($"MinValueWrong ({o.MinValueWrong}) exceeds MaxValueWrong ({o.MaxValueWrong}).", nameof(o.MinValueWrong));
        if (o.MinValueCorrect > o.MaxValueCorrect)
            throw new ArgumentException($"MinValueCorrect ({o.MinValueCorrect}) exceeds MaxValueCorrect ({o.MaxValueCorrect}).", nameof(o.MinValueCorrect));
    }
}
