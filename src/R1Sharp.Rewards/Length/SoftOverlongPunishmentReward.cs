namespace R1Sharp.Rewards.Length;

/// <summary>
/// DAPO's soft over-length punishment (Yu et al. 2025, "DAPO", eq. 13): no penalty up to L_max − L_cache tokens,
/// then a linear penalty reaching −PenaltyFactor at L_max, and −PenaltyFactor beyond. Score range:
/// [−PenaltyFactor, 0]; never null. Counts <see cref="RewardInput.CompletionTokens"/>.
/// </summary>
/// <remarks>Meant to be added to the accuracy reward, so that truncated samples are not a pure-noise signal.</remarks>
public sealed class SoftOverlongPunishmentReward : IRewardFunction
{
    private readonly SoftOverlongPunishmentRewardOptions _options;

    /// <summary>Creates the reward.</summary>
    /// <param name="options">Options; null for DAPO's defaults.</param>
    /// <exception cref="ArgumentException">A length is not positive, the cache exceeds the maximum, or the factor is negative or not finite.</exception>
    public SoftOverlongPunishmentReward(SoftOverlongPunishmentRewardOptions? options = null)
    {
        _options = options ?? new SoftOverlongPunishmentRewardOptions();
        if (_options.MaxLength <= 0)
            throw new ArgumentException($"MaxLength = {_options.MaxLength}; it must be positive.", nameof(options));
        if (_options.CacheLength <= 0 || _options.CacheLength > _options.MaxLength)
            throw new ArgumentException(
                $"CacheLength = {_options.CacheLength}; it must be in 1..MaxLength ({_options.MaxLength}).", nameof(options));
        if (!double.IsFinite(_options.PenaltyFactor) || _options.PenaltyFactor < 0)
            throw new ArgumentException($"PenaltyFactor = {_options.PenaltyFactor}; it must be finite and >= 0.", nameof(options));
    }

    /// <inheritdoc />
    public string Name => "overlong";

    /// <summary>The options this reward was created with.</summary>
    public SoftOverlongPunishmentRewardOptions Options => _options;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The input's token count was not set.</exception>
    public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        int length = CompletionLength.Measure(input, LengthUnit.Tokens, Name);
        return ValueTask.FromResult<double?>(Penalty(length));
    }

    /// <summary>The penalty for a completion of <paramref name="tokens"/> tokens.</summary>
    public double Penalty(int tokens)
    {
        int softStart = _options.MaxLength - _options.CacheLength;
        if (tokens <= softStart) return 0.0;
        if (tokens > _options.MaxLength) return -_options.PenaltyFactor;
        return (softStart - tokens) / (double)_options.CacheLength * _options.PenaltyFactor;
    }
}
