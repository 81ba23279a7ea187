using R1Sharp.Models;
using R1Sharp.Rewards.Composition;
using R1Sharp.Tests.Checkpoints;
using R1Sharp.Tools;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Metrics;
using R1Sharp.Training.Rollouts;
using TorchSharp;

namespace R1Sharp.Tests.Training;

/// <summary>Resume in the middle of a tool-using GRPO run (issue 20): stop + resume ends with the weights of the run that never stopped.</summary>
public sealed class ToolGrpoResumeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-toolresume-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static GrpoOptions Options() => ToyGrpo.Options(4) with { MaxCompletionLength = 12, NumIterations = 2 };

    private static GrpoTrainer Trainer(CausalLanguageModel policy, CausalLanguageModel reference, string dir)
    {
        var tokenizer = new ToolGrpoTests.CallingTokenizer();
        var echo = new FunctionTool("echo", "{}", (_, _) => Task.FromResult("bc"));
        var tools = new ToolCallingRollouts(tokenizer, new ToolRolloutOptions(new ToolRunner([echo]), 2, new ToolMessageFormat("d", "e")));
        return new GrpoTrainer(policy, reference, tokenizer, new InProcessRolloutEngine(policy, tools: tools),
            new RewardComposer([new WeightedReward(new ToyGrpo.StartsWithA())]), new ToyGrpo.FixedPrompts(), Options(),
            new HuggingFacePolicyCheckpoint(policy), dir);
    }

    [Fact]
    public async Task StopAndResumeInAToolUsingRunEndWithTheWeightsOfTheUninterruptedRun()
    {
        string straight = Path.Combine(_dir, "straight"), stopped = Path.Combine(_dir, "stopped");
        var (p1, r1) = ToyGrpo.Models();
        var (p3, r3) = ToyGrpo.Models();
        using (p1) using (r1) using (p3) using (r3)
        {
            await Trainer(p1, r1, straight).RunAsync(resume: false);

            // Stopped during step 3, after the step-2 checkpoint.
            using var cts = new CancellationTokenSource();
            var (p2, r2) = ToyGrpo.Models();
            using (p2) using (r2)
            {
                var progress = new SynchronousProgress<GrpoProgress>(p => { if (p.Step == 2) cts.Cancel(); });
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Trainer(p2, r2, stopped).RunAsync(false, null, progress, cts.Token));
            }

            var result = await Trainer(p3, r3, stopped).RunAsync(resume: true);
            Assert.Equal(2, result.StartedAtStep);
            Assert.Equal(4, result.Steps);

            var expected = p1.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, parameter) in p3.named_parameters())
                Assert.True(expected[name].equal(parameter).all().item<bool>(), $"parameter {name} differs after stop + resume");
        }
        var straightMetrics = MetricsLog.ReadJsonl(Path.Combine(straight, MetricsLog.JsonlFileName));
        var resumedMetrics = MetricsLog.ReadJsonl(Path.Combine(stopped, MetricsLog.JsonlFileName));
        Assert.Equal(straightMetrics.Select(m => m.Step), resumedMetrics.Select(m => m.Step));
        Assert.True(straightMetrics.Sum(m => m.Values["tools/call_frequency"]) > 0, "the run made no tool call: resume was not tested with tools");
        for (int i = 0; i < straightMetrics.Count; i++)
            foreach (var name in new[] { "tools/call_frequency", "tools/token_fraction", "loss", "reward" })
                Assert.True(straightMetrics[i].Values[name] == resumedMetrics[i].Values[name], $"step {straightMetrics[i].Step} {name}");
        Assert.Equal(4, new CheckpointStore<TrainerState>(stopped).Latest()!.Value.State.Step);
    }
}
