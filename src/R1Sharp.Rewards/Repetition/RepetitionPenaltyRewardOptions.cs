namespace R1Sharp.Rewards.Repetition;

/// <summary>Options of <see cref="RepetitionPenaltyReward"/>. Defaults are open-r1's recipe values.</summary>
public sealed record RepetitionPenaltyRewardOptions
{
    /// <summary>Words per n-gram. Default 3 (open-r1 <c>repetition_n_grams</c>; Demystifying used larger n for long CoT).</summary>
    public int NgramSize { get; init; } = 3;

    /// <summary>Score of a completion that repeats one n-gram throughout; must be &lt;= 0. Default -1.0 (open-r1 <c>repetition_max_penalty</c>).</summary>
    public double MaxPenalty { get; init; } = -1.0;
}
