namespace R1Sharp.Training.Grpo;

/// <summary>How group-relative advantages are divided after the group mean is subtracted.</summary>
public enum AdvantageScaling
{
    /// <summary>Divide by each group's standard deviation (the GRPO paper; TRL <c>scale_rewards="group"</c>).</summary>
    Group,

    /// <summary>Divide by the standard deviation of all rewards of the batch (TRL <c>scale_rewards="batch"</c>).</summary>
    Batch,

    /// <summary>No division: advantages are only centred (Dr. GRPO, Liu et al. 2025, which removes the question-difficulty bias).</summary>
    None,
}
