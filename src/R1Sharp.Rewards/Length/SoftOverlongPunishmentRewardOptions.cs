namespace R1Sharp.Rewards.Length;

/// <summary>Options of <see cref="SoftOverlongPunishmentReward"/>. Defaults are DAPO's (Yu et al. 2025, §3.4).</summary>
public sealed record SoftOverlongPunishmentRewardOptions
{
    /// <summary>L_max: the generation limit in tokens; at and beyond it the full penalty applies. Default 20480 (DAPO: 16384 expected + 4096 cache).</summary>
    public int MaxLength { get; init; } = 20480;

    /// <summary>L_cache: the length of the soft zone just below <see cref="MaxLength"/>, where the penalty grows linearly. Default 4096 (DAPO).</summary>
    public int CacheLength { get; init; } = 4096;

    /// <summary>Size of the full penalty (score at L_max is −PenaltyFactor). Default 1.0 (DAPO; verl's <c>overlong_buffer.penalty_factor</c>).</summary>
    public double PenaltyFactor { get; init; } = 1.0;
}
