using R1Sharp.Training.Configuration;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Metrics;

namespace R1Sharp.Tests.Training;

public sealed class GrpoTrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-grpo").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AFewStepsRaiseTheExpectedReward()
    {
        var (policy, reference) = ToyGrpo.Models();
        using (policy)
        using (reference)
        {
            double before = ToyGrpo.ExpectedReward(policy);
            await ToyGrpo.Trainer(policy, reference, ToyGrpo.Options(6) with { SaveSteps = 0 }, _dir).RunAsync(resume: false);
            double after = ToyGrpo.ExpectedReward(policy);
            Assert.True(after > before + 0.1, $"expected reward {before:0.000} -> {after:0.000}");
        }
        var metrics = MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName));
        Assert.Equal(6, metrics.Count);
        Assert.All(metrics, m => Assert.True(m.Values["kl"] >= 0));
        Assert.Contains(metrics, m => m.Values["kl"] > 0);
        foreach (var name in new[] { "reward", "reward_std", "rewards/starts_with_a/mean", "frac_reward_zero_std", "completions/mean_length", "completions/clipped_ratio", "entropy", "grad_norm", "learning_rate", "clip_ratio/region_mean", "tokens_per_second", "reflection_rate", "step_time" })
            Assert.True(metrics[0].Values.ContainsKey(name), name);
        Assert.True(File.Exists(Path.Combine(_dir, GrpoTrainer.ConfigFileName)));
    }

    [Fact]
    public async Task ResumeAfterACrashContinuesExactlyAsTheUninterruptedRun()
    {
        string straight = Path.Combine(_dir, "straight"), crashed = Path.Combine(_dir, "crashed");
        var options = ToyGrpo.Options(4) with { NumIterations = 2 };
        var (p1, r1) = ToyGrpo.Models();
        using (p1) using (r1) await ToyGrpo.Trainer(p1, r1, options, straight).RunAsync(resume: false);

        // The crash: the process dies during step 3, after the step-2 checkpoint.
        using var cts = new CancellationTokenSource();
        var (p2, r2) = ToyGrpo.Models();
        using (p2) using (r2)
        {
            var progress = new SynchronousProgress<GrpoProgress>(p => { if (p.Step == 2) cts.Cancel(); });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ToyGrpo.Trainer(p2, r2, options, crashed).RunAsync(false, null, progress, cts.Token));
        }
        // A stray half-written checkpoint, as kill -9 during a save would leave.
        Directory.CreateDirectory(Path.Combine(crashed, "checkpoints", "checkpoint-3.tmp"));

        var (p3, r3) = ToyGrpo.Models();
        using (p3) using (r3)
        {
            var result = await ToyGrpo.Trainer(p3, r3, options, crashed).RunAsync(resume: true);
            Assert.Equal(2, result.StartedAtStep);
            Assert.Equal(4, result.Steps);
        }
        var expected = MetricsLog.ReadJsonl(Path.Combine(straight, MetricsLog.JsonlFileName));
        var actual = MetricsLog.ReadJsonl(Path.Combine(crashed, MetricsLog.JsonlFileName));
        Assert.Equal(expected.Select(m => m.Step), actual.Select(m => m.Step));
        foreach (var name in new[] { "reward", "loss", "kl", "entropy", "grad_norm", "completions/mean_length", "clip_ratio/region_mean" })
            for (int i = 0; i < expected.Count; i++)
                Assert.True(expected[i].Values[name] == actual[i].Values[name], $"step {expected[i].Step} {name}: {expected[i].Values[name]} vs {actual[i].Values[name]}");
        Assert.Equal(4, new CheckpointStore<TrainerState>(crashed).Latest()!.Value.State.Step);
    }

    [Fact]
    public async Task ResumeFromAnOlderCheckpointRedoesTheStepsAfterItExactly()
    {
        var options = ToyGrpo.Options(4) with { SaveSteps = 2, SaveTotalLimit = 0 };
        var (p1, r1) = ToyGrpo.Models();
        using (p1) using (r1) await ToyGrpo.Trainer(p1, r1, options, _dir).RunAsync(resume: false);
        var straight = MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName));

        string older = Path.Combine(_dir, "checkpoints", "checkpoint-2");
        var (p2, r2) = ToyGrpo.Models();
        using (p2) using (r2)
        {
            var result = await ToyGrpo.Trainer(p2, r2, options, _dir).RunAsync(resumeFrom: older);
            Assert.Equal(2, result.StartedAtStep);
            Assert.Equal(4, result.Steps);
        }
        var again = MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName));
        Assert.Equal(straight.Select(m => m.Step), again.Select(m => m.Step)); // steps 3-4 replaced, not appended twice
        for (int i = 0; i < straight.Count; i++)
            Assert.True(straight[i].Values["loss"] == again[i].Values["loss"], $"step {straight[i].Step}: {straight[i].Values["loss"]} vs {again[i].Values["loss"]}");

        var (p3, r3) = ToyGrpo.Models();
        using (p3) using (r3)
        {
            var missing = await Assert.ThrowsAsync<ConfigurationException>(() =>
                ToyGrpo.Trainer(p3, r3, options, _dir).RunAsync(resumeFrom: Path.Combine(_dir, "checkpoints", "checkpoint-9")));
            Assert.Contains("checkpoint-9", missing.Message);
        }
    }

    [Fact]
    public async Task ATimeBudgetEndsTheRunAfterTheStepThatSpendsItAndResumeCountsTheTimeSpent()
    {
        // A budget far below any step's duration: the run must stop after exactly one step, whatever the machine.
        var budgeted = ToyGrpo.Options(5) with { MaxSeconds = 1e-9, SaveSteps = 0 };
        var (policy, reference) = ToyGrpo.Models();
        using (policy)
        using (reference)
        {
            var first = await ToyGrpo.Trainer(policy, reference, budgeted, _dir).RunAsync(resume: false);
            Assert.Equal(1, first.Steps);
            Assert.True(first.StoppedByTimeBudget);
            // The stopping step is checkpointed and logged like a final step.
            Assert.Equal(1, new CheckpointStore<TrainerState>(_dir).Latest()!.Value.State.Step);
            Assert.Single(MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName)));

            // Resumed with the same budget: the time is already spent, so no step runs.
            var again = await ToyGrpo.Trainer(policy, reference, budgeted, _dir).RunAsync(resume: true);
            Assert.Equal(1, again.Steps);
            Assert.Equal(1, again.StartedAtStep);
            Assert.True(again.StoppedByTimeBudget);

            // Without the budget the run continues from there to max_steps.
            var rest = await ToyGrpo.Trainer(policy, reference, budgeted with { MaxSeconds = 0 }, _dir).RunAsync(resume: true);
            Assert.Equal(5, rest.Steps);
            Assert.False(rest.StoppedByTimeBudget);
        }
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName)).Select(m => m.Step));
    }

    [Fact]
    public async Task ResumeRefusesAChangedSettingByNameAndAcceptsALongerRun()
    {
        var options = ToyGrpo.Options(2);
        var (policy, reference) = ToyGrpo.Models();
        using (policy)
        using (reference)
        {
            await ToyGrpo.Trainer(policy, reference, options, _dir).RunAsync(resume: false);
            var state = new CheckpointStore<TrainerState>(_dir).Latest()!.Value.State;
            Assert.Equal("8", state.Settings!["num_generations"]);
            Assert.False(state.Settings.ContainsKey("max_steps"));

            var changed = await Assert.ThrowsAsync<R1Sharp.Training.Configuration.ConfigurationException>(() =>
                ToyGrpo.Trainer(policy, reference, options with { NumGenerations = 4, MaxSteps = 3 }, _dir).RunAsync(resume: true));
            Assert.Contains("--resume: num_generations was 8 in the checkpoint, now 4", changed.Message);
            var seed = await Assert.ThrowsAsync<R1Sharp.Training.Configuration.ConfigurationException>(() =>
                ToyGrpo.Trainer(policy, reference, options with { Seed = 6 }, _dir).RunAsync(resume: true));
            Assert.Contains("seed was 5 in the checkpoint, now 6", seed.Message);
            Assert.Equal(2, new CheckpointStore<TrainerState>(_dir).Latest()!.Value.State.Step);

            var longer = await ToyGrpo.Trainer(policy, reference, options with { MaxSteps = 3 }, _dir).RunAsync(resume: true);
            Assert.Equal(2, longer.StartedAtStep);
            Assert.Equal(3, longer.Steps);
        }
    }
}
