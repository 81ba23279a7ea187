using R1Sharp.Training.Grpo;

namespace R1Sharp.Tests.Training;

public class GroupAdvantagesTests
{
    private static readonly double[] Rewards = [1, 0, 0, 1, 1, 1, 1, 1];

    [Fact]
    public void GroupScalingCentresAndDividesByGroupStd()
    {
        var result = GroupAdvantages.Compute(Rewards, 4, AdvantageScaling.Group, epsilon: 0);
        // Group 1: mean 0.5, population std 0.5 -> ±1.
        Assert.Equal(new float[] { 1, -1, -1, 1 }, result.Advantages[..4]);
        Assert.Equal(0.5, result.GroupStd[0], 12);
    }

    [Fact]
    public void ZeroVarianceGroupGetsZeroAdvantageAndIsFlagged()
    {
        var result = GroupAdvantages.Compute(Rewards, 4, AdvantageScaling.Group);
        Assert.All(result.Advantages[4..], a => Assert.Equal(0f, a));
        Assert.Equal(new[] { false, true }, result.ZeroVarianceGroups);
        Assert.Equal(0.5, result.FractionZeroStd, 12);
    }

    [Fact]
    public void BatchScalingDividesByStdOfAllRewards()
    {
        var result = GroupAdvantages.Compute(Rewards, 4, AdvantageScaling.Batch, epsilon: 0);
        double mean = Rewards.Average();
        double std = Math.Sqrt(Rewards.Select(r => (r - mean) * (r - mean)).Average());
        Assert.Equal(0.5 / std, result.Advantages[0], 5);
        Assert.Equal(-0.5 / std, result.Advantages[1], 5);
    }

    [Fact]
    public void NoScalingOnlyCentres()
    {
        var result = GroupAdvantages.Compute([3, 1, 2, 2], 2, AdvantageScaling.None);
        Assert.Equal(new float[] { 1, -1, 0, 0 }, result.Advantages);
    }

    [Fact]
    public void RewardCountNotMultipleOfGroupIsRejected()
    {
        Assert.Throws<ArgumentException>(() => GroupAdvantages.Compute([1, 2, 3], 2, AdvantageScaling.Group));
    }
}
