using System.Text.Json;
using R1Sharp.RewardModels;
using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;
using R1Sharp.Tests.Evaluation;

namespace R1Sharp.Tests.RewardModels;

/// <summary>The judge reward against a scripted OpenAI-compatible server on 127.0.0.1.</summary>
public sealed class JudgeRewardTests
{
    private static string Reply(string content) => FakeChatCompletionsServer.Choices(10, 5,
        new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" });

    private static string PromptOf(JsonElement body) => body.GetProperty("messages")[0].GetProperty("content").GetString()!;

    private static RewardInput Input(string prompt, string completion, string? answer = null) =>
        new(prompt, completion, answer is null
            ? new Dictionary<string, JsonElement>()
            : new Dictionary<string, JsonElement> { ["answer"] = JsonSerializer.SerializeToElement(answer) });

    private static IRewardFunction Judge(FakeChatCompletionsServer server, string options = "") =>
        ModelBasedRewards.CreateRegistry().Create(RewardSpec.Parse($"judge(url={server.BaseUri};model=judge-model;retries=2;retry_delay=0{options})"));

    [Fact]
    public async Task RetriesCachesAndCountsFailuresWithoutScoringThemZero()
    {
        int first = 0;
        await using var server = new FakeChatCompletionsServer((body, _) =>
        {
            string prompt = PromptOf(body);
            // One transient 503 first; then "right" answers are correct, "wrong" incorrect and "mumble" unreadable.
            if (Interlocked.Exchange(ref first, 1) == 0) return new(503, "{}");
            if (prompt.Contains("mumble", StringComparison.Ordinal)) return new(200, Reply("I am not sure what to say."));
            return new(200, Reply(prompt.Contains("Response:\nright", StringComparison.Ordinal) ? "<think>checks</think>VERDICT: CORRECT" : "VERDICT: INCORRECT"));
        });
        using var judge = (JudgeReward)Judge(server);
        // One group: two identical "right" completions (one request), one wrong, one unreadable.
        RewardInput[] group = [Input("q1", "<think>x</think>right", "4"), Input("q1", "<think>y</think>right", "4"), Input("q1", "wrong", "4"), Input("q1", "mumble", "4")];
        var result = await judge.ScoreBatchAsync(group);

        // The unreadable one gets its group's mean judged score (1 + 1 + 0) / 3, not 0.
        Assert.Equal([1.0, 1.0, 0.0, 2.0 / 3], result.Scores.Select(s => s!.Value));
        Assert.Equal(1, result.Counters!["judge/failures"]);
        Assert.Equal(3, result.Counters["judge/requests"]);
        Assert.Equal(1, result.Counters["judge/cache_hits"]);
        // 3 distinct prompts + the retried 503; the reference answer and the summary only reached the judge.
        Assert.Equal(4, server.Seen.Count);
        Assert.All(server.Seen.Where(s => s.Status == 200), s => Assert.Contains("Reference answer:\n4", PromptOf(s.Body)));
        Assert.DoesNotContain(server.Seen, s => PromptOf(s.Body).Contains("<think>", StringComparison.Ordinal));

        // A second batch with the judged responses costs no request: cached (failures are not cached: asked again).
        var again = await judge.ScoreBatchAsync(group);
        Assert.Equal(result.Scores, again.Scores);
        Assert.Equal(5, server.Seen.Count);
        Assert.Equal(2, judge.Failures);
    }

    [Fact]
    public async Task FailurePoliciesAreTheConfiguredOnes()
    {
        await using var server = new FakeChatCompletionsServer((body, _) =>
            PromptOf(body).Contains("bad", StringComparison.Ordinal) ? new(400, "{\"error\":\"no\"}") : new(200, Reply("SCORE: 8")));
        RewardInput[] inputs = [Input("q", "good"), Input("q", "bad"), Input("p", "bad")];

        using (var fallback = (JudgeReward)Judge(server, ";mode=score;on_failure=fallback;fallback=0.25"))
            Assert.Equal([0.8, 0.25, 0.25], (await fallback.ScoreBatchAsync(inputs)).Scores.Select(s => s!.Value), new ToleranceComparer());
        // Exclude: a group the judge failed on entirely has no judge score (null, left out of the judge's mean).
        using (var exclude = (JudgeReward)Judge(server, ";mode=score"))
        {
            var scores = (await exclude.ScoreBatchAsync(inputs)).Scores;
            Assert.Equal(0.8, scores[0]!.Value, 12);
            Assert.Equal(0.8, scores[1]!.Value, 12);
            Assert.Null(scores[2]);
        }
        using var strict = (JudgeReward)Judge(server, ";mode=score;on_failure=error");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => strict.ScoreBatchAsync(inputs));
        Assert.Contains("HTTP 400", error.Message);
    }

    [Fact]
    public void MissingOptionsAreNamed()
    {
        var error = Assert.Throws<RewardConfigurationException>(() => ModelBasedRewards.CreateRegistry().Create(RewardSpec.Parse("judge(model=m)")));
        Assert.Contains("url", error.Message);
        var unknown = Assert.Throws<RewardConfigurationException>(() => ModelBasedRewards.CreateRegistry().Create(RewardSpec.Parse("judge(url=http://x/v1;model=m;colour=red)")));
        Assert.Contains("colour", unknown.Message);
    }

    private sealed class ToleranceComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-9;
        public int GetHashCode(double obj) => 0;
    }
}
