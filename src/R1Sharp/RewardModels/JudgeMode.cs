namespace R1Sharp.RewardModels;

/// <summary>What the judge is asked for and how its reply is read (<see cref="JudgeVerdictParser"/>).</summary>
public enum JudgeMode
{
    /// <summary>A verdict line <c>VERDICT: CORRECT</c> or <c>VERDICT: INCORRECT</c> → 1 or 0 (DeepSeek-R1's generative reward model for rejection sampling).</summary>
    Verdict,

    /// <summary>A line <c>SCORE: n</c> with n in [0, 10] → n / 10 (helpfulness or harmlessness ratings).</summary>
    Score,
}
