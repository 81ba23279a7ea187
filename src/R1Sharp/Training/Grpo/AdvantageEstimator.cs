namespace R1Sharp.Training.Grpo;

/// <summary>How a completion's advantage is made from the rewards of its group (veRL's <c>adv_estimator</c>).</summary>
public enum AdvantageEstimator
{
    /// <summary>GRPO: <c>(r_i − mean(group)) / scale</c>, the scale chosen by <c>scale_rewards</c> (the paper: the group's std).</summary>
    Grpo,

    /// <summary>
    /// RLOO (Kool et al. 2019; Ahmadian et al. 2024): each completion against the mean of the <i>other</i> G − 1,
    /// <c>r_i − mean_{j≠i} r_j = G/(G − 1)·(r_i − mean(group))</c>; not divided by any std.
    /// </summary>
    Rloo,

    /// <summary>
    /// REINFORCE++-baseline (Hu et al. 2025): centred by the group mean, then divided by the std of those centred values
    /// over the whole step (batch normalisation instead of GRPO's per-group division).
    /// </summary>
    ReinforcePlusPlusBaseline,
}
