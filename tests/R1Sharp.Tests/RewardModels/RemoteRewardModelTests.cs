using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using R1Sharp.RewardModels;
using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;
using R1Sharp.Serving;
using R1Sharp.Tests.Evaluation;
using R1Sharp.Tests.Training;
using TorchSharp;

namespace R1Sharp.Tests.RewardModels;

/// <summary>
/// The reward model scored through a server: <c>reward_model(url=...)</c> against <see cref="RewardModelServer"/>
/// (vLLM's /classify protocol) gives the in-process scores; failures are counted and handled, never a silent 0.
/// </summary>
public sealed class RemoteRewardModelTests
{
    private static readonly string[] Completions = ["abc", "bca", "cab", "aab", "bbb", "cca"];

    private static RewardInput[] Inputs() =>
        [.. Completions.Select((c, i) => new RewardInput(i < 3 ? "ab" : "ba", c, new Dictionary<string, JsonElement>()))];

    private static ServeOptions Loopback(string? key = null, int context = 64) =>
        new() { Port = 0, ModelName = "rm", ApiKey = key, ContextLength = context, MaxBatch = 4 };

    [Fact]
    public async Task ScoresFromTheServerEqualInProcessScores()
    {
        using var model = RewardModel.Create(ToyGrpo.Config(), torch.CPU, torch.ScalarType.Float32, 3);
        var tokenizer = new ToyGrpo.LetterTokenizer();
        await using var server = await RewardModelServer.StartAsync(model, tokenizer, Loopback());
        using var remote = (RewardModelReward)ModelBasedRewards.CreateRegistry().Create(RewardSpec.Parse($"reward_model(url={server.BaseAddress};model=rm;batch_size=4;retries=0)"));

        var fromServer = await remote.ScoreBatchAsync(Inputs());
        var local = new LocalRewardModelScorer(RewardModel.Create(ToyGrpo.Config(), torch.CPU, torch.ScalarType.Float32, 3), tokenizer, 8, 2048);
        using var inProcess = new RewardModelReward(local, new RewardModelRewardOptions());
        var fromProcess = await inProcess.ScoreBatchAsync(Inputs());

        for (int i = 0; i < Completions.Length; i++) Assert.Equal(fromProcess.Scores[i]!.Value, fromServer.Scores[i]!.Value, 5);
        Assert.True(fromProcess.Scores.Distinct().Count() > 1, "a random head should not score all texts alike");
        Assert.Equal(2, fromServer.Counters!["reward_model/requests"]); // 6 texts in batches of 4
        Assert.Equal(0, fromServer.Counters["reward_model/failures"]);
    }

    [Fact]
    public async Task ServerAppliesSigmoidByDefaultRefusesTooLongTextsAndChecksTheKey()
    {
        using var model = RewardModel.Create(ToyGrpo.Config(), torch.CPU, torch.ScalarType.Float32, 5);
        await using var server = await RewardModelServer.StartAsync(model, new ToyGrpo.LetterTokenizer(), Loopback(key: "k", context: 4));
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "k");
        Uri classify = new(server.BaseAddress, "v1/classify");

        async Task<(HttpStatusCode Status, JsonElement Body)> Post(object body)
        {
            using var response = await http.PostAsync(classify, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        var raw = await Post(new { model = "rm", input = new[] { "abc" }, use_activation = false });
        var squashed = await Post(new { model = "rm", input = "abc" });
        double score = raw.Body.GetProperty("data")[0].GetProperty("probs")[0].GetDouble();
        Assert.Equal(1 / (1 + Math.Exp(-score)), squashed.Body.GetProperty("data")[0].GetProperty("probs")[0].GetDouble(), 9);
        Assert.Equal(1, squashed.Body.GetProperty("data")[0].GetProperty("num_classes").GetInt32());

        var tooLong = await Post(new { input = "abcabc" });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.Contains("truncate_prompt_tokens", tooLong.Body.GetProperty("error").GetProperty("message").GetString());
        // Truncation keeps the last tokens: "abcabc" cut to 3 scores as "abc".
        var truncated = await Post(new { input = "abcabc", truncate_prompt_tokens = 3, use_activation = false });
        Assert.Equal(score, truncated.Body.GetProperty("data")[0].GetProperty("probs")[0].GetDouble(), 6);

        var wrongModel = await Post(new { model = "other", input = "a" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongModel.Status);

        using var anonymous = new HttpClient();
        using var refused = await anonymous.PostAsync(classify, new StringContent("{\"input\":\"a\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Theory]
    [InlineData("exclude")]
    [InlineData("fallback")]
    [InlineData("error")]
    public async Task AFailingServerIsCountedAndHandledNeverASilentZero(string policy)
    {
        // The server scores the first batch (prompt "ab") and fails the second one (prompt "ba") with 503.
        await using var server = new FakeChatCompletionsServer((body, _) =>
        {
            var input = body.GetProperty("input").EnumerateArray().Select(e => e.GetString()!).ToArray();
            if (input[0].StartsWith("ba", StringComparison.Ordinal)) return new(503, "{\"error\":{\"message\":\"busy\"}}");
            return new(200, JsonSerializer.Serialize(new { data = input.Select((t, i) => new { index = i, probs = new[] { (double)t.Length + i } }) }));
        });
        using var reward = (RewardModelReward)ModelBasedRewards.CreateRegistry().Create(
            RewardSpec.Parse($"reward_model(url={server.BaseUri};model=rm;batch_size=3;retries=1;retry_delay=0;on_failure={policy};fallback=-2)"));

        if (policy == "error")
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => reward.ScoreBatchAsync(Inputs()));
            Assert.Contains("503", error.Message);
            return;
        }
        var result = await reward.ScoreBatchAsync(Inputs());
        Assert.Equal([5.0, 6.0, 7.0], result.Scores.Take(3).Select(s => s!.Value));
        // The failed group has no score at all: excluded means no signal (null), fallback means the given score.
        Assert.All(result.Scores.Skip(3), s => Assert.Equal(policy == "fallback" ? -2.0 : null, s));
        Assert.Equal(3, result.Counters!["reward_model/failures"]);
        Assert.Equal(3, server.Seen.Count); // one good request, the failing one tried twice
    }

    [Fact]
    public void MalformedClassifyRepliesAreNamed()
    {
        Assert.Null(ClassifyEndpointScorer.ParseReply("""{"data":[{"index":1,"probs":[2]},{"index":0,"probs":[1]}]}""", 2).Malformed);
        Assert.Equal([1.0, 2.0], ClassifyEndpointScorer.ParseReply("""{"data":[{"index":1,"probs":[2]},{"index":0,"probs":[1]}]}""", 2).Scores);
        Assert.Contains("1 results for 2", ClassifyEndpointScorer.ParseReply("""{"data":[{"index":0,"probs":[1]}]}""", 2).Malformed);
        Assert.Contains("repeated", ClassifyEndpointScorer.ParseReply("""{"data":[{"index":0,"probs":[1]},{"index":0,"probs":[1]}]}""", 2).Malformed);
        Assert.Contains("no 'probs'", ClassifyEndpointScorer.ParseReply("""{"data":[{"index":0}]}""", 1).Malformed);
        Assert.Contains("no 'data'", ClassifyEndpointScorer.ParseReply("""{"object":"list"}""", 1).Malformed);
        Assert.Contains("not JSON", ClassifyEndpointScorer.ParseReply("<html>", 1).Malformed);
        Assert.Contains("finite", ClassifyEndpointScorer.ParseReply("""{"data":[{"index":0,"probs":["x"]}]}""", 1).Malformed);
        var twoClasses = Assert.Throws<InvalidDataException>(() => ClassifyEndpointScorer.ParseReply("""{"data":[{"index":0,"probs":[0.4,0.6]}]}""", 1));
        Assert.Contains("num_labels must be 1", twoClasses.Message);
    }

    [Fact]
    public void PathAndUrlAreExclusive()
    {
        var registry = ModelBasedRewards.CreateRegistry();
        Assert.Contains("exactly one of 'path'", Assert.Throws<RewardConfigurationException>(() => registry.Create(RewardSpec.Parse("reward_model(normalize=group)"))).Message);
        Assert.Contains("'model'", Assert.Throws<RewardConfigurationException>(() => registry.Create(RewardSpec.Parse("reward_model(url=http://127.0.0.1:9/v1)"))).Message);
    }
}
