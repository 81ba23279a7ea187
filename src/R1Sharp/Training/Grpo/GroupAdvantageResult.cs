namespace R1Sharp.Training.Grpo;

/// <summary>Advantages of one batch of completions, laid out group after group.</summary>
/// <param name="Advantages">One advantage per completion (every token of a completion shares it).</param>
/// <param name="ZeroVarianceGroups">Per group: true when all its rewards are equal, so its advantages are exactly 0 and it teaches nothing.</param>
/// <param name="GroupStd">Per group: the (population) standard deviation of its rewards.</param>
public sealed record GroupAdvantageResult(float[] Advantages, bool[] ZeroVarianceGroups, double[] GroupStd)
{
    /// <summary>Share of groups whose rewards all tie (TRL's <c>frac_reward_zero_std</c>).</summary>
    public double FractionZeroStd => ZeroVarianceGroups.Length == 0 ? 0 : ZeroVarianceGroups.Count(z => z) / (double)ZeroVarianceGroups.Length;
}
