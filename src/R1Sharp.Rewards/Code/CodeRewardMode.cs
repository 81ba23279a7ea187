namespace R1Sharp.Rewards.Code;

/// <summary>How test results become a reward.</summary>
public enum CodeRewardMode
{
    /// <summary>Accepted tests / all tests, in [0, 1] (open-r1's <c>code_reward</c>).</summary>
    PassFraction,

    /// <summary>1 when every test is accepted, else 0 (open-r1's <c>binary_code_reward</c>; the R1 paper's accuracy reward).</summary>
    AllOrNothing,
}
