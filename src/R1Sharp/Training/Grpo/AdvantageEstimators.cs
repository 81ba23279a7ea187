namespace R1Sharp.Training.Grpo;

/// <summary>
/// The critic-free advantage estimators besides GRPO's (veRL <c>adv_estimator</c>), as pure functions of the rewards laid
/// out group after group. All start from the group-centred rewards of <see cref="GroupAdvantages"/> (so a group whose
/// rewards tie gets exactly 0, and the per-group statistics are the same).
/// </summary>
public static class AdvantageEstimators
{
    /// <summary>Advantages by <paramref name="estimator"/>; <paramref name="scaling"/> applies to <see cref="AdvantageEstimator.Grpo"/> only.</summary>
    public static GroupAdvantageResult Compute(AdvantageEstimator estimator, IReadOnlyList<double> rewards, int groupSize, AdvantageScaling scaling, double epsilon = 1e-4) =>
        estimator switch
        {
            AdvantageEstimator.Grpo => GroupAdvantages.Compute(rewards, groupSize, scaling, epsilon),
            AdvantageEstimator.Rloo => Rloo(rewards, groupSize),
            AdvantageEstimator.ReinforcePlusPlusBaseline => ReinforcePlusPlusBaseline(rewards, groupSize, epsilon),
            _ => throw new ArgumentOutOfRangeException(nameof(estimator), estimator, "Unknown advantage estimator."),
        };

    /// <summary>
    /// RLOO: <c>A_i = r_i − mean_{j≠i} r_j = G/(G − 1) · (r_i − mean(group))</c>, the leave-one-out baseline (veRL
    /// <c>compute_rloo_outcome_advantage</c>); not divided by a std. With G = 1 there is no other sample: A = 0.
    /// </summary>
    public static GroupAdvantageResult Rloo(IReadOnlyList<double> rewards, int groupSize)
    {
        var (centred, stats) = Centred(rewards, groupSize);
        double factor = groupSize > 1 ? groupSize / (groupSize - 1.0) : 0;
        return stats with { Advantages = [.. centred.Select(c => (float)(c * factor))] };
    }

    /// <summary>
    /// REINFORCE++-baseline (Hu et al. 2025): <c>A_i = (r_i − mean(group)) / (std_step + ε)</c> with std_step the
    /// (population) std of the centred rewards of the whole step. veRL whitens per token (length-weighted); here each
    /// completion counts once, as everywhere else in R1Sharp's advantages.
    /// </summary>
    public static GroupAdvantageResult ReinforcePlusPlusBaseline(IReadOnlyList<double> rewards, int groupSize, double epsilon = 1e-4)
    {
        var (centred, stats) = Centred(rewards, groupSize);
        double mean = centred.Length == 0 ? 0 : centred.Average();
        double std = centred.Length == 0 ? 0 : Math.Sqrt(centred.Average(v => (v - mean) * (v - mean)));
        return stats with { Advantages = [.. centred.Select(c => (float)(c / (std + epsilon)))] };
    }

    // r − mean(group) in double precision, exactly 0 in a group whose rewards tie, with GroupAdvantages' group statistics.
    private static (double[] Centred, GroupAdvantageResult Stats) Centred(IReadOnlyList<double> rewards, int groupSize)
    {
        var stats = GroupAdvantages.Compute(rewards, groupSize, AdvantageScaling.None);
        var centred = new double[rewards.Count];
        for (int g = 0; g < stats.ZeroVarianceGroups.Length; g++)
        {
            if (stats.ZeroVarianceGroups[g]) continue;
            int start = g * groupSize;
            double mean = Enumerable.Range(start, groupSize).Average(i => rewards[i]);
            for (int i = start; i < start + groupSize; i++) centred[i] = rewards[i] - mean;
        }
        return (centred, stats);
    }
}
