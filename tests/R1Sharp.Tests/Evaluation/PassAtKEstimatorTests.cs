using R1Sharp.Evaluation.Metrics;

namespace R1Sharp.Tests.Evaluation;

public class PassAtKEstimatorTests
{
    [Theory]
    // pass@1 is the fraction correct: c/n.
    [InlineData(4, 1, 1, 1.0 / 4)]
    [InlineData(64, 17, 1, 17.0 / 64)]
    // 1 - C(3,2)/C(4,2) = 1 - 3/6.
    [InlineData(4, 1, 2, 1 - 3.0 / 6)]
    // 1 - C(3,2)/C(5,2) = 1 - 3/10.
    [InlineData(5, 2, 2, 1 - 3.0 / 10)]
    // 1 - C(63,32)/C(64,32) = 1 - 32/64.
    [InlineData(64, 1, 32, 1 - 32.0 / 64)]
    // 1 - C(62,32)/C(64,32) = 1 - (32*31)/(64*63).
    [InlineData(64, 2, 32, 1 - 32.0 * 31 / (64 * 63))]
    // 1 - C(6,3)/C(10,3) = 1 - 20/120.
    [InlineData(10, 4, 3, 1 - 20.0 / 120)]
    public void MatchesTheBinomialFormula(int n, int c, int k, double expected) =>
        Assert.Equal(expected, PassAtKEstimator.Estimate(n, c, k), 12);

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(64)]
    public void NoCorrectSampleGivesZeroForEveryK(int n)
    {
        for (int k = 1; k <= n; k++) Assert.Equal(0.0, PassAtKEstimator.Estimate(n, 0, k));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(64)]
    public void AllCorrectGivesOneForEveryK(int n)
    {
        for (int k = 1; k <= n; k++) Assert.Equal(1.0, PassAtKEstimator.Estimate(n, n, k));
    }

    [Theory]
    [InlineData(4, 1)]
    [InlineData(64, 1)]
    [InlineData(64, 63)]
    public void KEqualToNIsOneAsSoonAsOneSampleIsCorrect(int n, int c) =>
        Assert.Equal(1.0, PassAtKEstimator.Estimate(n, c, n));

    [Fact]
    public void IsNonDecreasingInKAndStaysAProbabilityForLargeN()
    {
        // n = 1024 would overflow C(n, k) as a double; the product form must stay exact enough and monotone.
        double previous = 0;
        for (int k = 1; k <= 1024; k++)
        {
            double value = PassAtKEstimator.Estimate(1024, 3, k);
            Assert.InRange(value, previous, 1.0);
            previous = value;
        }
        Assert.Equal(3.0 / 1024, PassAtKEstimator.Estimate(1024, 3, 1), 12);
    }

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(4, 5, 1)]
    [InlineData(4, -1, 1)]
    [InlineData(4, 2, 0)]
    [InlineData(4, 2, 5)]
    public void RejectsInconsistentCounts(int n, int c, int k) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PassAtKEstimator.Estimate(n, c, k));

    [Theory]
    [InlineData(1, new[] { 1 })]
    [InlineData(4, new[] { 1, 2, 4 })]
    [InlineData(5, new[] { 1, 2, 4, 5 })]
    [InlineData(64, new[] { 1, 2, 4, 8, 16, 32, 64 })]
    public void ReportsPowersOfTwoAndTheSampleCount(int n, int[] expected) =>
        Assert.Equal(expected, PassAtKEstimator.ReportedKs(n));
}
