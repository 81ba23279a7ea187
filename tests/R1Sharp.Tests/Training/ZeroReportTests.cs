using System.Buffers.Binary;
using R1Sharp.Training.Metrics;
using R1Sharp.Training.Reports;
using R1Sharp.Training.Zero;

namespace R1Sharp.Tests.Training;

/// <summary>report.html of r1 zero and its PNG plots, from a hand-written metrics.jsonl.</summary>
public sealed class ZeroReportTests : IDisposable
{
    private static readonly byte[] PngSignature = [137, 80, 78, 71, 13, 10, 26, 10];
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-zero-report").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task WritesOnePngPerChartBesideTheReportAndLinksThem()
    {
        File.WriteAllLines(Path.Combine(_dir, MetricsLog.JsonlFileName),
        [
            """{"step":1,"reward":0.2,"rewards/accuracy/mean":0.1,"completions/mean_length":12,"reflection_rate":0.0}""",
            """{"step":2,"reward":0.5,"rewards/accuracy/mean":0.4,"completions/mean_length":20,"reflection_rate":0.1,"eval/pass1":0.3}""",
            """{"step":3,"reward":0.7,"rewards/accuracy/mean":0.6,"completions/mean_length":31,"reflection_rate":0.25}""",
        ]);
        var evaluation = new TaskEvaluationResult(0.1, 0.1, 1, 10, 0, new Dictionary<string, double>(), new Dictionary<string, double>(), []);
        var summary = new ZeroSummary
        {
            Steps = 3,
            Pass1Before = 0.1,
            Pass1After = 0.5,
            EvalSamples = 8,
            IntermediateEvalSamples = 2,
            Tasks = new Dictionary<string, IReadOnlyDictionary<string, double>> { ["countdown"] = new Dictionary<string, double> { ["pass1_before"] = 0.1, ["pass1_after"] = 0.5 } },
            Baselines = new Dictionary<string, IReadOnlyDictionary<string, double>> { ["countdown"] = new Dictionary<string, double> { ["sum_of_numbers"] = 0.18, ["base_pass8"] = 0.45 } },
        };

        await ZeroReport.WriteAsync(_dir, summary, evaluation, evaluation with { Pass1 = 0.5 }, CancellationToken.None);

        string html = File.ReadAllText(Path.Combine(_dir, ZeroReport.FileName));
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("sum of numbers 18.0%, base model pass@8 45.0%", html, StringComparison.Ordinal);
        // The held-out curve keeps its evaluation sizes apart: k = 2 during RL, k = 8 before and after.
        Assert.Contains("during RL, k = 2", html, StringComparison.Ordinal);
        Assert.Contains("before and after RL, k = 8", html, StringComparison.Ordinal);
        string plots = Path.Combine(_dir, ZeroReport.PlotsDirectory);
        string[] expected = ["heldout_pass1.png", "mean_length.png", "reflection_rate.png", "reward.png"];
        Assert.Equal(expected, Directory.GetFiles(plots).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (string name in expected)
        {
            Assert.Contains($"href=\"plots/{name}\"", html, StringComparison.Ordinal);
            byte[] png = File.ReadAllBytes(Path.Combine(plots, name));
            Assert.Equal(PngSignature, png[..8]);
            // IHDR comes first: width and height, big-endian.
            Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
            Assert.Equal(720, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
            Assert.Equal(400, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        }
        // Different series give different pictures (the files are not one blank chart four times).
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(plots, "mean_length.png")), File.ReadAllBytes(Path.Combine(plots, "reflection_rate.png")));
    }

    [Fact]
    public void AnEmptyOrNonFiniteSeriesStillGivesAChart()
    {
        string path = Path.Combine(_dir, "sub", "empty.png");
        TrainingCurveChart.Write(path, "nothing yet", new Dictionary<string, IReadOnlyList<(double X, double Y)>>
        {
            ["empty"] = [],
            ["nan"] = [(1, double.NaN), (double.PositiveInfinity, 2)],
        });
        Assert.Equal(PngSignature, File.ReadAllBytes(path)[..8]);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }
}
