namespace R1Sharp.Training.Grpo;

/// <summary>
/// GRPO's critic-free baseline: each completion is scored against the other completions of the same prompt,
/// <c>A_i = (r_i − mean(r_group)) / (std + eps)</c>. Pure function (veRL core_algos style) so it is tested by hand.
/// </summary>
public static class GroupAdvantages
{
    /// <summary>Computes advantages for rewards laid out as consecutive groups of <paramref name="groupSize"/>.</summary>
    /// <param name="rewards">Total reward of every completion; length must be a multiple of <paramref name="groupSize"/>.</param>
    /// <param name="groupSize">Completions per prompt (G).</param>
    /// <param name="scaling">What the centred rewards are divided by.</param>
    /// <param name="epsilon">Added to the standard deviation to avoid division by zero (TRL uses 1e-4).</param>
    public static GroupAdvantageResult Compute(IReadOnlyList<double> rewards, int groupSize, AdvantageScaling scaling, double epsilon = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        if (groupSize < 1) throw new ArgumentOutOfRangeException(nameof(groupSize), groupSize, "groupSize must be at least 1.");
        if (rewards.Count % groupSize != 0)
            throw new ArgumentException($"{rewards.Count} rewards do not split into groups of {groupSize}.", nameof(rewards));

        int groups = rewards.Count / groupSize;
        var advantages = new float[rewards.Count];
        var zeroVariance = new bool[groups];
        var groupStd = new double[groups];
        double batchStd = PopulationStd(rewards, 0, rewards.Count);

        for (int g = 0; g < groups; g++)
        {
            int start = g * groupSize;
            double mean = 0;
            for (int i = 0; i < groupSize; i++) mean += rewards[start + i];
            mean /= groupSize;
            groupStd[g] = PopulationStd(rewards, start, groupSize);
            // Exact ties (not "std below eps") so a group with tiny but real differences still learns.
            zeroVariance[g] = Enumerable.Range(start, groupSize).All(i => rewards[i] == rewards[start]);
            double divisor = scaling switch
            {
                AdvantageScaling.Group => groupStd[g] + epsilon,
                AdvantageScaling.Batch => batchStd + epsilon,
                _ => 1.0,
            };
            for (int i = 0; i < groupSize; i++)
                advantages[start + i] = zeroVariance[g] ? 0f : (float)((rewards[start + i] - mean) / divisor);
        }
        return new GroupAdvantageResult(advantages, zeroVariance, groupStd);
    }

    // Population std (divide by n): with G=2 the sample std would overstate spread; TRL uses torch.std (n-1),
    // veRL also n-1. We choose n so that a group {0,1} gives advantages ±1 exactly — easier to read in logs.
    private static double PopulationStd(IReadOnlyList<double> values, int start, int count)
    {
        if (count == 0) return 0;
        double mean = 0;
        for (int i = 0; i < count; i++) mean += values[start + i];
        mean /= count;
        double sum = 0;
        for (int i = 0; i < count; i++) sum += (values[start + i] - mean) * (values[start + i] - mean);
        return Math.Sqrt(sum / count);
    }
}
