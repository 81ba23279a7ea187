using System.Text.Json;
using R1Sharp.Pipeline;
using R1Sharp.Training.Zero;

namespace R1Sharp.Tests.Pipeline;

/// <summary>r1 pipeline end to end on the smoke configuration: summary.json's schema, checkpoints per stage, resume.</summary>
public sealed class PipelineRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-pipeline").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private PipelineOptions Options(string dir)
    {
        var quick = PipelineOptions.Quick(dir) with { Threads = 1 };
        return quick with
        {
            Pretrain = quick.Pretrain with { Steps = 4, BatchSize = 4, SaveSteps = 2 },
            HeldOutPerFamily = 2,
            ChatHeldOut = 2,
            PreferencePairs = 12,
            ColdStartExamples = 6,
            RejectionPrompts = 4,
            ReasoningRl = quick.ReasoningRl with { MaxCompletionLength = 16, PromptsPerStep = 2, NumGenerations = 2 },
            AllScenarioRl = quick.AllScenarioRl with { MaxCompletionLength = 16, PromptsPerStep = 4, NumGenerations = 2 },
        };
    }

    [Fact]
    public async Task ARunWritesEveryStageAndTheSummaryOfTheIssue()
    {
        // The ablation after stage 2, so that the stages report in a fixed order.
        var options = Options(_dir) with { AblationBeside = false };
        var phases = new List<string>();
        await PipelineRunner.RunAsync(options, resume: false, new SynchronousProgress<ZeroProgress>(p => phases.Add(p.Phase)), CancellationToken.None);

        // Progress per stage, in the paper's order (the reward model is trained on the base before anything is evaluated).
        var firsts = phases.Where(p => !p.EndsWith(" eval", StringComparison.Ordinal)).Distinct().ToList();
        Assert.Equal(["base", "reward_model", "cold_start", "reasoning_rl", "reasoning_rl_without_language", "rejection_sft sample", "rejection_sft", "all_scenario_rl", "done"], firsts);

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, PipelineRunner.SummaryFileName)));
        var stages = summary.RootElement.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(PipelineStages.Order, stages.Select(s => s.GetProperty("name").GetString()));
        foreach (var stage in stages)
        {
            // The issue's five fields, then pass@1 of each family, whose mean is pass@1 (each family has as many held-out problems).
            Assert.Equal(["name", "pass1", "language_consistency", "rm_score", "mean_length", "pass1_by_family"], stage.EnumerateObject().Select(p => p.Name));
            Assert.InRange(stage.GetProperty("pass1").GetDouble(), 0, 1);
            var families = stage.GetProperty("pass1_by_family").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            Assert.Equal(["countdown", "arithmetic"], families.Keys);
            Assert.Equal(stage.GetProperty("pass1").GetDouble(), families.Values.Average(), 9);
            Assert.InRange(stage.GetProperty("language_consistency").GetDouble(), 0, 1);
            Assert.True(stage.GetProperty("mean_length").GetDouble() > 0);
        }
        Assert.True(summary.RootElement.GetProperty("seconds").GetDouble() > 0);
        // One paired effect per later stage and quantity.
        Assert.Equal(4 * 4, summary.RootElement.GetProperty("effects").GetArrayLength());
        Assert.True(summary.RootElement.GetProperty("language_ablation").TryGetProperty("pass1_cost", out _));
        string report = File.ReadAllText(Path.Combine(_dir, PipelineReport.FileName));
        Assert.Equal(4, report.Split("<svg").Length - 1);
        Assert.Contains("<th>countdown</th><th>arithmetic</th>", report, StringComparison.Ordinal);

        // Each stage's record names the stage it started from; stage 3 the cold start, not the RL model.
        foreach (var stage in PipelineStages.Order)
        {
            var record = JsonSerializer.Deserialize<StageRecord>(File.ReadAllText(Path.Combine(_dir, stage, "stage.json")), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;
            Assert.Equal(PipelineStages.StartsFrom(stage), record.StartedFrom);
            Assert.True(File.Exists(Path.Combine(_dir, stage, "model", "config.json")), stage);
        }
        Assert.True(File.Exists(Path.Combine(_dir, "rejection_sft", "data.jsonl")));

        // A second run into the same directory without --resume is refused rather than mixed with the first.
        await Assert.ThrowsAsync<IOException>(() => PipelineRunner.RunAsync(options, resume: false, null, CancellationToken.None));
    }

    [Fact]
    public async Task TheAblationBesideTheStagesGivesTheFiguresOfTheAblationAfterThem()
    {
        Assert.True(PipelineRunner.RunsAblationBeside(Options(_dir)) || Environment.ProcessorCount < 2);
        string after = Path.Combine(_dir, "after"), beside = Path.Combine(_dir, "beside");
        var sequential = await PipelineRunner.RunAsync(Options(after) with { AblationBeside = false }, resume: false, null, CancellationToken.None);
        var phases = new List<string>();
        var parallel = await PipelineRunner.RunAsync(Options(beside), resume: false, new SynchronousProgress<ZeroProgress>(p => phases.Add(p.Phase)), CancellationToken.None);

        Assert.Equal(Figures(sequential), Figures(parallel));
        Assert.Contains("reasoning_rl_without_language eval", phases);
        Assert.Equal("done", phases[^1]);
        Assert.True(File.Exists(Path.Combine(beside, "reasoning_rl_without_language", "stage.json")));

        static List<double> Figures(PipelineSummary summary) =>
        [
            .. summary.Stages.SelectMany(s => new[] { s.Pass1, s.LanguageConsistency, s.RmScore, s.MeanLength }),
            summary.LanguageAblation!.Without.Pass1, summary.LanguageAblation.Without.LanguageConsistency,
            summary.LanguageAblation.Without.RmScore, summary.LanguageAblation.MixedRateWithout,
        ];
    }

    [Fact]
    public async Task AKillDuringTheAblationBesideTheStagesResumes()
    {
        var options = Options(_dir);
        using var stop = new CancellationTokenSource();
        // Killed after stage 2's first step, with the ablation running beside it.
        var first = new SynchronousProgress<ZeroProgress>(p => { if (p.Phase == "reasoning_rl" && p.Step == 1) stop.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PipelineRunner.RunAsync(options, resume: false, first, stop.Token));
        Assert.False(File.Exists(Path.Combine(_dir, PipelineRunner.SummaryFileName)));

        var summary = await PipelineRunner.RunAsync(options, resume: true, null, CancellationToken.None);
        Assert.NotNull(summary.LanguageAblation);
        Assert.True(File.Exists(Path.Combine(_dir, "reasoning_rl_without_language", "stage.json")));
        Assert.True(File.Exists(Path.Combine(_dir, PipelineRunner.SummaryFileName)));
    }

    [Fact]
    public async Task ResumeContinuesAtTheStageWhereTheRunStopped()
    {
        var options = Options(_dir) with { LanguageAblation = false };
        using var stop = new CancellationTokenSource();
        // Killed as stage 3 begins: stages 0-2 are finished and recorded.
        var first = new SynchronousProgress<ZeroProgress>(p => { if (p.Phase.StartsWith("rejection_sft", StringComparison.Ordinal)) stop.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PipelineRunner.RunAsync(options, resume: false, first, stop.Token));
        Assert.False(File.Exists(Path.Combine(_dir, "rejection_sft", "stage.json")));
        Assert.False(File.Exists(Path.Combine(_dir, PipelineRunner.SummaryFileName)));
        var coldStartWritten = File.GetLastWriteTimeUtc(Path.Combine(_dir, "cold_start", "model", "model.safetensors"));

        var phases = new List<ZeroProgress>();
        await PipelineRunner.RunAsync(options, resume: true, new SynchronousProgress<ZeroProgress>(phases.Add), CancellationToken.None);
        foreach (var done in new[] { "base", "reward_model", "cold_start", "reasoning_rl" })
        {
            // Reported once, as kept; never trained or evaluated again.
            var reports = phases.Where(p => p.Phase == done || p.Phase == done + " eval").ToList();
            Assert.True(reports.Count == 1 && reports[0].Values.ContainsKey("kept"), done);
        }
        Assert.Contains(phases, p => p.Phase == "rejection_sft" && p.Step > 0);
        Assert.Contains(phases, p => p.Phase == "all_scenario_rl" && p.Step > 0);
        Assert.Equal(coldStartWritten, File.GetLastWriteTimeUtc(Path.Combine(_dir, "cold_start", "model", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(_dir, PipelineRunner.SummaryFileName)));
    }

    [Fact]
    public async Task ResumeContinuesAStageAtTheStepWhereItStopped()
    {
        var options = Options(_dir) with { LanguageAblation = false };
        using var stop = new CancellationTokenSource();
        // Killed after stage 2's first GRPO step (its checkpoint is written every step in the smoke configuration).
        var first = new SynchronousProgress<ZeroProgress>(p => { if (p.Phase == "reasoning_rl" && p.Step == 1) stop.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PipelineRunner.RunAsync(options, resume: false, first, stop.Token));
        var phases = new List<ZeroProgress>();
        await PipelineRunner.RunAsync(options, resume: true, new SynchronousProgress<ZeroProgress>(phases.Add), CancellationToken.None);
        var rlSteps = phases.Where(p => p.Phase == "reasoning_rl").Select(p => p.Step).ToList();
        Assert.Equal([2], rlSteps);
    }
}
