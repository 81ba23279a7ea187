using System.Text.Json;
using R1Sharp.RewardModels;
using R1Sharp.Rewards.Composition;
using R1Sharp.Tests.Evaluation;
using R1Sharp.Tests.Training;
using R1Sharp.Training.Metrics;
using TorchSharp;

namespace R1Sharp.Tests.RewardModels;

/// <summary>A reward model and a judge next to a rule reward, with weights, inside GRPO steps of the toy problem.</summary>
public sealed class ModelRewardsInGrpoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-rm-grpo").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task RewardModelAndJudgeScoreEveryCompletionAndReportTheirCounts()
    {
        // The judge calls completions that start with 'a' correct and cannot read its own reply for those with a 'c'.
        await using var server = new FakeChatCompletionsServer((body, _) =>
        {
            string response = body.GetProperty("messages")[0].GetProperty("content").GetString()!.Split("Response:\n")[1].Split("\n\n")[0];
            string content = response.Contains('c') ? "hmm" : response.StartsWith('a') ? "VERDICT: CORRECT" : "VERDICT: INCORRECT";
            return new(200, FakeChatCompletionsServer.Choices(5, 3, new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" }));
        });
        var rewardModel = RewardModel.Create(ToyGrpo.Config(), torch.CPU, torch.ScalarType.Float32, 11);
        var rm = new RewardModelReward(rewardModel, new ToyGrpo.LetterTokenizer(), new RewardModelRewardOptions { Normalization = ScoreNormalization.Group, BatchSize = 8 });
        var judge = (JudgeReward)ModelBasedRewards.CreateRegistry().Create(RewardSpec.Parse($"judge(url={server.BaseUri};model=j;section=whole;retries=0)"));
        await using var composer = new RewardComposer([new WeightedReward(new ToyGrpo.StartsWithA()), new WeightedReward(rm, 0.5), new WeightedReward(judge, 0.3)]);

        var (policy, reference) = ToyGrpo.Models();
        using (policy)
        using (reference)
            await ToyGrpo.Trainer(policy, reference, ToyGrpo.Options(2) with { SaveSteps = 0 }, _dir, composer).RunAsync(resume: false);

        var metrics = MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName));
        Assert.Equal(2, metrics.Count);
        foreach (var m in metrics)
        {
            // Group-standardised reward-model scores have mean 0 over the step.
            Assert.Equal(0, m.Values["rewards/reward_model/mean"], 4);
            Assert.InRange(m.Values["rewards/judge/mean"], 0, 1);
            Assert.True(m.Values.ContainsKey("judge/failures") && m.Values.ContainsKey("judge/requests") && m.Values.ContainsKey("reward_model/truncated"));
        }
        // Every judge request the server saw is counted; every unreadable reply is a counted failure.
        Assert.Equal(server.Seen.Count, metrics.Sum(m => m.Values["judge/requests"]));
        Assert.Equal(judge.Failures, metrics.Sum(m => m.Values["judge/failures"]));
        Assert.Equal(server.Seen.Count(s => s.Body.GetProperty("messages")[0].GetProperty("content").GetString()!.Split("Response:\n")[1].Split("\n\n")[0].Contains('c')) > 0,
            judge.Failures > 0);
    }
}
