namespace R1Sharp.Rewards.Length;

/// <summary>
/// Options of <see cref="CosineScaledReward"/>. Defaults are open-r1's <c>get_cosine_scaled_reward</c> values
/// (after Yeo et al. 2025, "Demystifying Long Chain-of-Thought Reasoning in LLMs", §3.2).
/// </summary>
public sealed record CosineScaledRewardOptions
{
    /// <summary>Reward of a wrong completion of length 0 (the most penalised: a short wrong answer gave up early). Default -1.0 (open-r1 <c>cosine_min_value_wrong</c>).</summary>
    public double MinValueWrong { get; init; } = -1.0;

    /// <summary>Reward of a wrong completion at <see cref="MaxLength"/>. Default -0.5 (open-r1 <c>cosine_max_value_wrong</c>).</summary>
    public double MaxValueWrong { get; init; } = -0.5;

    /// <summary>Reward of a correct completion at <see cref="MaxLength"/>. Default 0.5 (open-r1 <c>cosine_min_value_correct</c>).</summary>
    public double MinValueCorrect { get; init; } = 0.5;

    /// <summary>Reward of a correct completion of length 0 (the best: short and right). Default 1.0 (open-r1 <c>cosine_max_value_correct</c>).</summary>
    public double MaxValueCorrect { get; init; } = 1.0;

    /// <summary>
    /// Length at which the schedule reaches its end; longer completions score as if this long. Default 1000
    /// (open-r1 <c>cosine_max_len</c>, which counts characters); set it to the generation limit when counting tokens.
    /// </summary>
    public int MaxLength { get; init; } = 1000;

    /// <summary>Unit of <see cref="MaxLength"/>. Default <see cref="LengthUnit.Tokens"/> (Demystifying counts tokens; open-r1 counts characters).</summary>
    public LengthUnit Unit { get; init; } = LengthUnit.Tokens;

    /// <summary>A wrapped score at or above this counts as correct. Default 1.0 (a binary accuracy reward's 1; ms-swift uses the same test).</summary>
    public double CorrectThreshold { get; init; } = 1.0;

    /// <summary>
    /// Reward for a completion that reaches <see cref="MaxLength"/> or was truncated, whatever its correctness; null to
    /// keep the schedule's end value. Default null. Demystifying's "exceed length penalty" (e.g. -10) is this.
    /// </summary>
    public double? ExceedLengthValue { get; init; }
}
