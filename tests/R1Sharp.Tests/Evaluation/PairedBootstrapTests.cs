using R1Sharp.Evaluation.Metrics;

namespace R1Sharp.Tests.Evaluation;

/// <summary>The paired bootstrap of r1 distill-zero's comparison, on values whose interval can be worked out by hand.</summary>
public class PairedBootstrapTests
{
    [Fact]
    public void AConstantDifferenceHasAnIntervalOfThatOneValue()
    {
        // Every problem is 0.25 better under the first model: every resample's mean difference is 0.25.
        var result = PairedBootstrap.Difference([0.5, 0.75, 1.0, 0.25], [0.25, 0.5, 0.75, 0.0], resamples: 200);
        Assert.Equal(0.25, result.Difference, 12);
        Assert.Equal(0.25, result.Low, 12);
        Assert.Equal(0.25, result.High, 12);
        Assert.False(result.IsTie);
        Assert.Equal(4, result.Problems);
    }

    [Fact]
    public void PairingRemovesWhatAProblemDoesToBothModels()
    {
        // Scores spread from 0 to 1 across problems, but the first model is ahead by exactly 0.1 on each: unpaired, the
        // spread would swamp the 0.1; paired, the interval is the single value 0.1.
        double[] b = [0.0, 0.2, 0.4, 0.6, 0.8];
        double[] a = [.. b.Select(v => v + 0.1)];
        var result = PairedBootstrap.Difference(a, b);
        Assert.Equal(0.1, result.Low, 12);
        Assert.Equal(0.1, result.High, 12);
    }

    [Fact]
    public void OneProblemWonOfTwoIsATie()
    {
        // Differences [1, 0]: a resample's mean is 0 (both draws the tie) with probability 1/4, 0.5 with 1/2, 1 with 1/4.
        // So the 2.5% point is 0 and the 97.5% point is 1: the interval [0, 1] contains 0 and names no winner.
        var result = PairedBootstrap.Difference([1.0, 0.0], [0.0, 0.0], resamples: 10_000, seed: 3);
        Assert.Equal(0.5, result.Difference, 12);
        Assert.Equal(0.0, result.Low, 12);
        Assert.Equal(1.0, result.High, 12);
        Assert.True(result.IsTie);
    }

    [Fact]
    public void TheIntervalIsReproducibleAndContainsTheMeanDifference()
    {
        double[] a = [1, 0.5, 0.25, 0.75, 0.5, 1, 0, 0.5];
        double[] b = [0.5, 0.5, 0.5, 0.25, 0.5, 0.75, 0.25, 0.25];
        var first = PairedBootstrap.Difference(a, b, seed: 7);
        Assert.Equal(first, PairedBootstrap.Difference(a, b, seed: 7));
        Assert.Equal(0.125, first.Difference, 12);
        Assert.InRange(first.Difference, first.Low, first.High);
        Assert.True(first.Low < first.High);
    }

    [Fact]
    public void UnpairedInputsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => PairedBootstrap.Difference([1.0, 0.0], [1.0]));
        Assert.Throws<ArgumentException>(() => PairedBootstrap.Difference([], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairedBootstrap.Difference([1.0], [0.0], level: 1.0));
    }
}
