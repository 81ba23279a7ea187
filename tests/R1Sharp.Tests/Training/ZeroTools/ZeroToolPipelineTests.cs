using System.Text.Json;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Metrics;
using R1Sharp.Training.Zero;
using R1Sharp.Training.Zero.Tools;

namespace R1Sharp.Tests.Training.ZeroTools;

/// <summary>The plumbing of r1 zero --tools on a very short run (results are not asserted: too few steps to mean anything).</summary>
public sealed class ZeroToolPipelineTests : IDisposable
{
    private readonly string _dir = Path.Combine(Directory.CreateTempSubdirectory("r1-zero-tools").FullName, "run");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_dir)!, recursive: true);

    [Fact]
    public async Task AQuickRunWritesTheSixFiguresTheCallRateOverTrainingAndTheReport()
    {
        var quick = ZeroToolOptions.Quick(_dir);
        var options = quick with
        {
            Model = new ZeroModelShape(Hidden: 32, Layers: 1, Heads: 2, KvHeads: 1, Intermediate: 64),
            Pretrain = new PretrainOptions(Steps: 5, BatchSize: 8),
            HeldOut = 3,
            // Every templated document calls the tool, so the tiny base model calls it in some rollouts.
            Corpus = new ZeroToolCorpusOptions(TextbookRate: 0, ToolCallRate: 1),
            Grpo = quick.Grpo with { MaxSteps = 2, PromptsPerStep = 2, NumGenerations = 2, EvalSteps = 1 },
        };
        var phases = new List<string>();
        var summary = await ZeroToolPipeline.RunAsync(options, new SynchronousProgress<ZeroProgress>(p => phases.Add(p.Phase)), CancellationToken.None);
        Assert.Equal(new[] { "pretrain", "eval_before", "rl", "eval_after", "rl_no_tools", "eval_no_tools_after", "done" }, phases.Distinct());

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, ZeroToolPipeline.SummaryFileName)));
        var root = json.RootElement;
        foreach (var field in new[] { "pass1_before", "pass1_after", "pass1_no_tools_after", "tool_call_rate_before", "tool_call_rate_after" })
            Assert.InRange(root.GetProperty(field).GetDouble(), 0, 1);
        Assert.True(root.GetProperty("seconds").GetDouble() > 0);
        Assert.Equal(2, root.GetProperty("steps").GetInt32());
        Assert.Equal(summary.Steps, root.GetProperty("tool_call_rate_over_training").GetArrayLength());
        Assert.Equal("calculator", root.GetProperty("tool").GetString());

        // The run with tools logs its call rate each step; the run without has no tool metrics.
        var withTools = MetricsLog.ReadJsonl(Path.Combine(_dir, ZeroToolPipeline.ToolsRunDirectory, MetricsLog.JsonlFileName));
        Assert.All(withTools, m => Assert.InRange(m.Values["tools/call_rate"], 0, 1));
        var withoutTools = MetricsLog.ReadJsonl(Path.Combine(_dir, ZeroToolPipeline.NoToolsRunDirectory, MetricsLog.JsonlFileName));
        Assert.Equal(2, withoutTools.Count);
        Assert.All(withoutTools, m => Assert.False(m.Values.ContainsKey("tools/call_rate")));
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(_dir, ZeroToolReport.FileName)));
    }

    [Fact]
    public async Task ANonEmptyOutputFolderIsRefused()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "x"), "");
        var error = await Assert.ThrowsAsync<IOException>(() => ZeroToolPipeline.RunAsync(ZeroToolOptions.Quick(_dir), null, CancellationToken.None));
        Assert.Contains(_dir, error.Message);
    }
}
