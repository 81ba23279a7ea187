using R1Sharp.Evaluation.Metrics;

namespace R1Sharp.Tests.Evaluation;

public class MeanWithStandardErrorTests
{
    [Fact]
    public void UsesTheSampleStandardDeviationOverSqrtN()
    {
        // Values 0, 0.5, 1: mean 0.5; squared deviations 0.25 + 0 + 0.25 = 0.5; s = sqrt(0.5 / 2) = 0.5; SE = 0.5 / sqrt(3).
        var result = MeanWithStandardError.Of([0.0, 0.5, 1.0]);
        Assert.Equal(0.5, result.Mean, 12);
        Assert.Equal(0.5 / Math.Sqrt(3), result.StandardError, 12);
        Assert.Equal(3, result.Count);
    }

    [Fact]
    public void IdenticalValuesHaveNoError()
    {
        var result = MeanWithStandardError.Of([0.25, 0.25, 0.25, 0.25]);
        Assert.Equal(0.25, result.Mean, 12);
        Assert.Equal(0.0, result.StandardError, 12);
    }

    [Fact]
    public void FewerThanTwoValuesHaveZeroError()
    {
        Assert.Equal(new MeanWithStandardError(0, 0, 0), MeanWithStandardError.Of(Array.Empty<double>()));
        Assert.Equal(new MeanWithStandardError(0.75, 0, 1), MeanWithStandardError.Of([0.75]));
    }
}
