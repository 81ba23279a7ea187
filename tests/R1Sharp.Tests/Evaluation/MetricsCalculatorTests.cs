using R1Sharp.Evaluation.Metrics;
using R1Sharp.Evaluation.Results;

namespace R1Sharp.Tests.Evaluation;

public class MetricsCalculatorTests
{
    private static SampleRecord Sample(string q, int i, string? answer, bool correct, int? tokens = 100, string finish = "stop") =>
        new(q, i, answer is null ? "no answer here" : $"\\boxed{{{answer}}}", answer, correct, tokens, false, finish, null);

    private static SampleRecord FailedSample(string q, int i) => new(q, i, null, null, false, null, false, null, "HTTP 500");

    [Fact]
    public void ComputesEveryMetricFromHandCountedSamples()
    {
        IReadOnlyList<SampleRecord> first =
        [
            Sample("a", 0, "1/2", true, 100), Sample("a", 1, "3", false, 300, "length"),
            Sample("a", 2, "0.5", true, 200), Sample("a", 3, "\\frac{1}{2}", true, 400),
        ];
        IReadOnlyList<SampleRecord> second =
        [
            Sample("b", 0, "9", false, 50), Sample("b", 1, null, false, 1000, "length"),
            Sample("b", 2, "9", false, 50), FailedSample("b", 3),
        ];
        var metrics = MetricsCalculator.Compute("toy", [first, second], new BoxedNumberJudge().AreEquivalent);

        Assert.Equal(2, metrics.Questions);
        Assert.Equal(4, metrics.SamplesPerQuestion);
        Assert.Equal(8, metrics.Samples);
        // pass@1: question a 3/4, question b 0/4 -> mean 0.375; s = sqrt(2 * 0.375^2 / 1) = 0.5303..., SE = s / sqrt(2) = 0.375.
        Assert.Equal(0.375, metrics.PassAt1.Mean, 12);
        Assert.Equal(0.375, metrics.PassAt1.StandardError, 12);
        // pass@2: a has one wrong sample (< k) so 1; b 0 -> 0.5. pass@4 likewise 0.5.
        Assert.Equal([1, 2, 4], metrics.PassAtK.Select(p => p.K));
        Assert.Equal(0.375, metrics.PassAtK[0].Value, 12);
        Assert.Equal(0.5, metrics.PassAtK[1].Value, 12);
        Assert.Equal(0.5, metrics.PassAtK[2].Value, 12);
        // cons@4: a votes one half 3-1 (correct); b votes 9 (wrong).
        Assert.Equal(0.5, metrics.ConsensusAccuracy, 12);
        // Lengths over the 7 responded samples: 100+300+200+400+50+1000+50 = 2100.
        Assert.Equal(2100.0 / 7, metrics.MeanResponseTokens!.Value, 9);
        Assert.Equal(1000, metrics.MaxResponseTokens);
        Assert.Equal(2.0 / 7, metrics.TruncationRate, 12);
        Assert.Equal(1.0 / 7, metrics.NoAnswerRate, 12);
        Assert.Equal(1, metrics.FailedSamples);
    }

    [Fact]
    public void PassAtKIsLimitedByTheQuestionWithFewestSamples()
    {
        IReadOnlyList<SampleRecord> two = [Sample("a", 0, "1", true), Sample("a", 1, "2", false)];
        IReadOnlyList<SampleRecord> four = [Sample("b", 0, "1", true), Sample("b", 1, "1", true), Sample("b", 2, "2", false), Sample("b", 3, "2", false)];
        var metrics = MetricsCalculator.Compute("mixed", [two, four], new BoxedNumberJudge().AreEquivalent);
        Assert.Equal(2, metrics.SamplesPerQuestion);
        Assert.Equal([1, 2], metrics.PassAtK.Select(p => p.K));
        // pass@2: a = 1 - C(1,2)/C(2,2) = 1; b = 1 - C(2,2)/C(4,2) = 1 - 1/6.
        Assert.Equal((1 + (1 - 1.0 / 6)) / 2, metrics.PassAtK[1].Value, 12);
    }

    [Fact]
    public void AQuestionWithoutSamplesIsRejected() =>
        Assert.Throws<ArgumentException>(() => MetricsCalculator.Compute("x", [Array.Empty<SampleRecord>()], (a, b) => a == b));
}
