using System.Text.Json;
using R1Sharp.Distillation;
using R1Sharp.RewardModels;
using R1Sharp.Rewards.Composition;
using R1Sharp.Tests.Evaluation;
using R1Sharp.Training.Sft;

namespace R1Sharp.Tests.RewardModels;

/// <summary>`r1 filter`'s judge: rows without a verifiable answer are judged; verifiable ones keep their rule score.</summary>
public sealed class JudgedFilterTests
{
    private static SampledResponse Sample(string id, string response, double? accuracy) =>
        new(id, 0, [new ConversationTurn("user", "Write a haiku about " + id)], response, SampledResponse.StopFinish, 10,
            accuracy is null ? new Dictionary<string, double?>() : new Dictionary<string, double?> { ["accuracy"] = accuracy }, null);

    [Fact]
    public async Task OnlyUnverifiableRowsAreJudgedAndFailuresAreDroppedAndCounted()
    {
        await using var server = new FakeChatCompletionsServer((body, _) =>
        {
            string prompt = body.GetProperty("messages")[0].GetProperty("content").GetString()!;
            string content = prompt.Contains("autumn", StringComparison.Ordinal) ? "VERDICT: CORRECT" : "no idea";
            return new(200, FakeChatCompletionsServer.Choices(5, 3, new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" }));
        });
        using var judge = (JudgeReward)ModelBasedRewards.CreateRegistry().Create(RewardSpec.Parse($"judge(url={server.BaseUri};model=j;retries=0)"));
        SampledResponse[] samples = [Sample("math", "<think>x</think>4", 1.0), Sample("autumn", "<think>x</think>leaves fall", null), Sample("winter", "<think>x</think>snow", null)];

        var (judged, count, failures) = await JudgedCorrectness.ApplyAsync(samples, judge, "accuracy");

        Assert.Equal(2, count);
        Assert.Equal(1, failures);
        Assert.Equal(2, server.Seen.Count);
        Assert.Equal(1.0, judged[1].Rewards["accuracy"]);
        Assert.Null(judged[2].Rewards["accuracy"]);
        var kept = new RejectionSampler(new RejectionSamplingOptions { MaxParagraphCharacters = 0 }).Filter(judged).Kept;
        Assert.Equal(["math", "autumn"], kept.Select(k => k.PromptId));
    }
}
