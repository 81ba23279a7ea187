using R1Sharp.Training.Configuration;
using System.Text.Json;
using R1Sharp.Training.Metrics;
using R1Sharp.Training.Zero;

namespace R1Sharp.Tests.Training;

/// <summary>The plumbing of r1 zero on a very short run (results are not asserted: too few steps to mean anything).</summary>
public sealed class ZeroPipelineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-zero").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task WritesSummaryReportAndContinuesAfterResume()
    {
        var quick = ZeroOptions.Quick(_dir);
        var options = quick with
        {
            Model = new ZeroModelShape(Hidden: 32, Layers: 1, Heads: 2, KvHeads: 1, Intermediate: 64),
            Pretrain = new PretrainOptions(Steps: 3, BatchSize: 4),
            HeldOutPerFamily = 2,
            Grpo = quick.Grpo with { MaxSteps = 2, PromptsPerStep = 2, NumGenerations = 2, MaxCompletionLength = 12, EvalSteps = 1, SaveSteps = 1 },
        };
        var phases = new List<string>();
        await ZeroPipeline.RunAsync(options, resume: false, new SynchronousProgress<ZeroProgress>(p => phases.Add(p.Phase)), CancellationToken.None);
        Assert.Equal(new[] { "pretrain", "eval_before", "rl", "eval_after", "done" }, phases.Distinct());

        using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, ZeroPipeline.SummaryFileName))))
        {
            foreach (var field in new[] { "pass1_before", "pass1_after", "greedy_before", "greedy_after", "format_before", "format_after", "mean_length_before", "mean_length_after", "reflection_rate_before", "reflection_rate_after", "steps", "seconds" })
                Assert.True(summary.RootElement.TryGetProperty(field, out _), field);
            Assert.Equal(2, summary.RootElement.GetProperty("steps").GetInt32());
            var tasks = summary.RootElement.GetProperty("tasks");
            Assert.True(tasks.GetProperty("countdown").TryGetProperty("pass1_before", out _));
            Assert.True(tasks.GetProperty("arithmetic").TryGetProperty("pass1_after", out _));
        }
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(_dir, "report.html")));
        Assert.NotEmpty(Directory.GetFiles(_dir, "events.out.tfevents.*"));
        Assert.Equal(4, Directory.GetFiles(Path.Combine(_dir, R1Sharp.Training.Reports.ZeroReport.PlotsDirectory), "*.png").Length);

        // Resume with more steps: pre-training is not repeated and the metrics continue the same curve.
        phases.Clear();
        await ZeroPipeline.RunAsync(options with { Grpo = options.Grpo with { MaxSteps = 3 } }, resume: true,
            new SynchronousProgress<ZeroProgress>(p => phases.Add(p.Phase)), CancellationToken.None);
        Assert.DoesNotContain("pretrain", phases);
        var steps = MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName)).Select(m => m.Step);
        Assert.Equal(new long[] { 1, 2, 3 }, steps);

        // Resume with another held-out size, k or seed would compare figures of two different evaluations: refused by name.
        foreach (var (changed, name) in new (ZeroOptions, string)[]
        {
            (options with { HeldOutPerFamily = 3 }, "held_out_per_family"),
            (options with { EvalSamples = 4 }, "eval_samples"),
            (options with { EvalTemperature = 1.0 }, "eval_temperature"),
        })
        {
            var error = await Assert.ThrowsAsync<ConfigurationException>(() =>
                ZeroPipeline.RunAsync(changed with { Grpo = options.Grpo with { MaxSteps = 3 } }, resume: true, null, CancellationToken.None));
            Assert.Contains($"{name} was ", error.Message);
        }
        // The refused resumes left the stored settings as they were.
        Assert.Equal(options.HeldOutPerFamily, (await ZeroOptionsFile.LoadAsync(_dir, CancellationToken.None))!.HeldOutPerFamily);
    }
}
