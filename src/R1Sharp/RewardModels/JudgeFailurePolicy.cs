namespace R1Sharp.RewardModels;

/// <summary>
/// What a completion's judge reward is when the judge failed on it (no reply after the retries, or a reply with no
/// readable verdict). Never a silent 0: a failure is counted (<c>judge/failures</c>) and then handled as chosen here.
/// </summary>
public enum JudgeFailurePolicy
{
    /// <summary>Default. The completion gets the mean judge score of the other completions of its group (same
    /// prompt), so the judge neither rewards nor punishes it and the group's other scores keep their order; a group
    /// the judge failed on entirely gets null ("not applicable"): no judge signal for it.</summary>
    Exclude,

    /// <summary>The completion gets the configured <c>fallback</c> score.</summary>
    Fallback,

    /// <summary>The batch fails with an error naming the completion and the judge's problem.</summary>
    Error,
}
