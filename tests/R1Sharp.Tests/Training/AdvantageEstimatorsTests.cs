using R1Sharp.Training.Grpo;

namespace R1Sharp.Tests.Training;

public class AdvantageEstimatorsTests
{
    private static readonly double[] Rewards = [1, 0, 0, 1, 1, 1, 1, 1];

    [Fact]
    public void RlooScoresEachCompletionAgainstTheMeanOfTheOthers()
    {
        var result = AdvantageEstimators.Compute(AdvantageEstimator.Rloo, Rewards, 4, AdvantageScaling.Group);
        // Completion 0: 1 − mean(0, 0, 1) = 2/3; completion 1: 0 − mean(1, 0, 1) = −2/3. Tied group: 0. No std division.
        Assert.Equal(new[] { 2 / 3f, -2 / 3f, -2 / 3f, 2 / 3f }, result.Advantages[..4]);
        Assert.All(result.Advantages[4..], a => Assert.Equal(0f, a));
        Assert.Equal(new[] { false, true }, result.ZeroVarianceGroups);
    }

    [Fact]
    public void ReinforcePlusPlusBaselineDividesTheGroupCentredRewardsByTheStepStd()
    {
        var result = AdvantageEstimators.ReinforcePlusPlusBaseline(Rewards, 4, epsilon: 0);
        // Centred: ±0.5 in group 1, 0 in group 2; their std over the step is √(4·0.25/8) = √0.125, so ±0.5/√0.125 = ±√2.
        Assert.Equal(Math.Sqrt(2), result.Advantages[0], 5);
        Assert.Equal(-Math.Sqrt(2), result.Advantages[1], 5);
        Assert.All(result.Advantages[4..], a => Assert.Equal(0f, a));
    }

    [Fact]
    public void GrpoIsTheExistingGroupNormalisation()
    {
        var expected = GroupAdvantages.Compute(Rewards, 4, AdvantageScaling.Batch).Advantages;
        Assert.Equal(expected, AdvantageEstimators.Compute(AdvantageEstimator.Grpo, Rewards, 4, AdvantageScaling.Batch).Advantages);
    }
}
