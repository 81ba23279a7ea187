using R1Sharp.Pipeline;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Zero;

namespace R1Sharp.Tests.Pipeline;

/// <summary>A pipeline run records its settings; a --resume with other settings is refused, naming each difference.</summary>
public sealed class PipelineSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-pipeline-settings").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void StageFourTrainsAsLongAsStageTwoWithoutTheStdDivisionAndARunRecordedBeforeIsNotResumedWithIt()
    {
        var options = new PipelineOptions();
        Assert.Equal(options.ReasoningRl.MaxSteps, options.AllScenarioRl.MaxSteps);
        Assert.Equal(AdvantageScaling.None, options.AllScenarioRl.ScaleRewards);
        Assert.Equal(options.ReasoningRl.ScaleRewards, options.AllScenarioRl.ScaleRewards);
        Assert.Equal(2, options.AllScenarioRl.GradientAccumulationSteps);
        Assert.Equal(0, options.AllScenarioRl.MicroBatchWorkers); // two workers on two cores with one torch thread
        Assert.Equal(1, options.ReasoningRl.MicroBatchWorkers); // stage 2 shares the machine with the ablation

        // A run recorded with the 40-step stage 4 of before 2026-12-04 22:00 names what changed.
        var before = options with
        {
            AllScenarioRl = options.AllScenarioRl with { MaxSteps = 40, GradientAccumulationSteps = 1, MicroBatchWorkers = 1, ScaleRewards = AdvantageScaling.Group },
        };
        var differences = Changes(before, options);
        Assert.Equal(["all_scenario_rl.gradient_accumulation_steps: recorded 1, now 2", "all_scenario_rl.max_steps (--rl-steps): recorded 40, now 80",
            "all_scenario_rl.scale_rewards: recorded 0, now 2"], differences);
    }

    [Fact]
    public void BothRlStagesTakeRZerosSixteenPromptsInTwoMicroBatchesAndARunRecordedWithEightIsNotResumedWithThem()
    {
        var options = new PipelineOptions();
        Assert.Equal(new ZeroOptions().Grpo.PromptsPerStep, options.ReasoningRl.PromptsPerStep);
        Assert.Equal(16, options.ReasoningRl.PromptsPerStep);
        Assert.Equal(options.ReasoningRl.PromptsPerStep, options.AllScenarioRl.PromptsPerStep);
        Assert.Equal(2, options.ReasoningRl.GradientAccumulationSteps);

        // A run recorded with the 8-prompt stages of before 2026-12-05 names each change.
        var before = options with
        {
            ReasoningRl = options.ReasoningRl with { PromptsPerStep = 8, GradientAccumulationSteps = 1 },
            AllScenarioRl = options.AllScenarioRl with { PromptsPerStep = 8 },
        };
        var differences = Changes(before, options);
        Assert.Equal(["all_scenario_rl.prompts_per_step: recorded 8, now 16", "reasoning_rl.gradient_accumulation_steps: recorded 1, now 2",
            "reasoning_rl.prompts_per_step: recorded 8, now 16"], differences);
    }

    [Fact]
    public void RejectionSamplingTakes2400PromptsAndARunRecordedWith600IsNotResumedWithThem()
    {
        var options = new PipelineOptions();
        Assert.Equal(2400, options.RejectionPrompts);
        Assert.Equal(4, options.RejectionSamples);

        var before = options with { RejectionPrompts = 600 };
        var differences = Changes(before, options);
        Assert.Equal(["rejection_prompts: recorded 600, now 2400"], differences);
    }

    [Fact]
    public void DifferencesNameEachChangedSettingWithItsRecordedAndNewValueButNotThreads()
    {
        var recorded = PipelineSettings.Flatten(PipelineOptions.Quick("a") with { Threads = 1 });
        var changed = PipelineSettings.Flatten(PipelineOptions.Quick("b") with
        {
            Threads = 2,
            Seed = 8,
            ReasoningRl = PipelineOptions.Quick("b").ReasoningRl with { LearningRate = 5e-4 },
        });
        var differences = PipelineSettings.Differences(recorded, changed);
        Assert.Equal(["reasoning_rl.learning_rate: recorded 0.0001, now 0.0005", "seed (--seed): recorded 7, now 8"], differences);
        Assert.Empty(PipelineSettings.Differences(recorded, PipelineSettings.Flatten(PipelineOptions.Quick("c") with { Threads = 4 })));
        // Nor where the ablation runs or how pre-training and RL split a step; runs recorded before these settings existed
        // lack their keys, which therefore may be missing too.
        var other = PipelineOptions.Quick("d") with { AblationBeside = false, Pretrain = PipelineOptions.Quick("d").Pretrain with { Workers = 2 } };
        Assert.Empty(PipelineSettings.Differences(recorded, PipelineSettings.Flatten(other)));
        var older = new Dictionary<string, string>(recorded);
        older.Remove("ablation_beside");
        older.Remove("pretrain.workers");
        older.Remove("reasoning_rl.micro_batch_workers");
        older.Remove("all_scenario_rl.micro_batch_workers");
        Assert.Empty(PipelineSettings.Differences(older, PipelineSettings.Flatten(PipelineOptions.Quick("e") with { Threads = 1 })));
        // Every option reaches the record, including nested records, dictionaries and tuples.
        Assert.Contains("reasoning_rl.reward_weights.language", recorded.Keys);
        Assert.Contains("reward_model_training.item3", recorded.Keys);
        Assert.Contains("pretrain.steps", recorded.Keys);
    }

    [Fact]
    public async Task AResumeWithChangedSettingsIsRefusedAtStartAndOneWithOtherThreadsContinues()
    {
        var options = PipelineOptions.Quick(_dir) with { Threads = 1 };
        await StopAtFirstStepAsync(options, resume: false);
        Assert.True(File.Exists(Path.Combine(_dir, PipelineSettings.FileName)));

        var changed = options with { Seed = 8, Pretrain = options.Pretrain with { Steps = 21 } };
        var phases = new List<string>();
        var error = await Assert.ThrowsAsync<ConfigurationException>(() =>
            PipelineRunner.RunAsync(changed, resume: true, new SynchronousProgress<ZeroProgress>(p => phases.Add(p.Phase)), CancellationToken.None));
        Assert.Contains("pretrain.steps (--pretrain-steps): recorded 20, now 21", error.Message, StringComparison.Ordinal);
        Assert.Contains("seed (--seed): recorded 7, now 8", error.Message, StringComparison.Ordinal);
        Assert.Empty(phases); // refused before any work

        // Threads may change: the resume gets past the check and continues the base model.
        var resumed = await StopAtFirstStepAsync(options with { Threads = 2 }, resume: true);
        Assert.Contains("base", resumed);
    }

    private static async Task<List<string>> StopAtFirstStepAsync(PipelineOptions options, bool resume)
    {
        using var stop = new CancellationTokenSource();
        var phases = new List<string>();
        var progress = new SynchronousProgress<ZeroProgress>(p => { phases.Add(p.Phase); stop.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PipelineRunner.RunAsync(options, resume, progress, stop.Token));
        return phases;
    }

    // What a --resume with the options now would report against a run recorded with the earlier ones.
    private static IReadOnlyList<string> Changes(PipelineOptions recorded, PipelineOptions now) =>
        PipelineSettings.Differences(PipelineSettings.Flatten(recorded), PipelineSettings.Flatten(now));
}
