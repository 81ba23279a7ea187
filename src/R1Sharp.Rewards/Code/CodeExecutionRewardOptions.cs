namespace R1Sharp.Rewards.Code;

/// <summary>Options of <see cref="CodeExecutionReward"/>.</summary>
public sealed record CodeExecutionRewardOptions
{
    /// <summary>How test results become the reward. Default <see cref="CodeRewardMode.PassFraction"/> (open-r1's default code reward).</summary>
    public CodeRewardMode Mode { get; init; } = CodeRewardMode.PassFraction;

    /// <summary>Limits and float tolerance of the judge. Default <see cref="CodeJudgeOptions"/>'s defaults.</summary>
    public CodeJudgeOptions Judge { get; init; } = new();

    /// <summary>The row field holding the tests. Default <c>verification_info</c> (open-r1's code data sets).</summary>
    public string VerificationInfoField { get; init; } = "verification_info";

    /// <summary>The language when <c>verification_info</c> names none. Default Python.</summary>
    public CodeLanguage DefaultLanguage { get; init; } = CodeLanguage.Python;

    /// <summary>Also take a code block without a language tag when there is no tagged one. Default false (open-r1 needs the tag).</summary>
    public bool AcceptUntaggedBlocks { get; init; }

    /// <summary>How many (program, tests) evaluations are remembered, so identical completions (common within a GRPO
    /// group) are run once. 0 turns the cache off. Default 4096.</summary>
    public int CacheCapacity { get; init; } = 4096;

    /// <summary>Called with the reason whenever a row is not applicable (null score), e.g. malformed verification_info.
    /// Default null (reasons are still returned by <see cref="CodeExecutionReward.EvaluateAsync"/>).</summary>
    public Action<string>? OnNotApplicable { get; init; }
}
