using System.Text.Json;
using R1Sharp.Evaluation;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Evaluation.Results;

namespace R1Sharp.Tests.Evaluation;

public sealed class OpenAICompatibleBackendTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-http-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly RetryPolicy FastRetries = new() { InitialDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20), MaxRetries = 3 };

    private static OpenAICompatibleBackend Backend(FakeChatCompletionsServer server, TimeSpan? timeout = null) => new(new OpenAICompatibleOptions
    {
        Endpoint = server.BaseUri,
        Model = "r1-distill-test",
        ApiKey = "test-key",
        Retry = FastRetries,
        RequestTimeout = timeout ?? TimeSpan.FromSeconds(30),
    });

    private static string Prompt(JsonElement body) => body.GetProperty("messages")[0].GetProperty("content").GetString()!;

    [Fact]
    public async Task EndToEndRunRetries429AndAMalformedReplyAndEndsWithExactMetrics()
    {
        var benchmark = ArithmeticBenchmark.Write(_dir, "arith", 4, 3);
        int sent429 = 0, sentBroken = 0;
        await using var server = new FakeChatCompletionsServer((body, number) =>
        {
            // Requests arrive concurrently: exactly one of them gets the 429.
            if (Interlocked.CompareExchange(ref sent429, 1, 0) == 0)
            {
                return new(429, "{\"error\":{\"message\":\"rate limited\"}}", new Dictionary<string, string> { ["Retry-After"] = "0" });
            }
            int sum = ArithmeticBenchmark.SumIn(Prompt(body));
            // Question 2 asks for 2+6: the first answer to it is a 200 with a cut-off body, the next one is fine.
            if (sum == 8 && Interlocked.CompareExchange(ref sentBroken, 1, 0) == 0)
                return new(200, "{\"choices\": [{\"index\": 0, \"message\": {\"content\": \"\\\\boxed{8");
            return new(200, FakeChatCompletionsServer.Choices(40, 300,
                new { index = 0, message = new { role = "assistant", content = $"<think>add</think> \\boxed{{{sum}}}" }, finish_reason = "stop" },
                new { index = 1, message = new { role = "assistant", content = $"\\boxed{{{sum + 1}}} and more" }, finish_reason = "length" },
                new { index = 2, message = new { role = "assistant", content = $"\\boxed{{{sum}}}", reasoning_content = "I add the numbers." }, finish_reason = "stop" }));
        });
        using var backend = Backend(server);
        var options = new EvaluationOptions { MaxConcurrentRequests = 2, SamplesPerRequest = 3, Sampling = new SamplingParameters { MaxTokens = 512, Seed = 5 } };
        string output = Path.Combine(_dir, "out");

        var summary = await new EvaluationRunner(backend, options).RunAsync([benchmark], _ => new BoxedNumberJudge(), output);

        // 4 questions, one request each, plus the one that got 429 and the one that got a broken 200, each sent again.
        Assert.Equal(6, server.Seen.Count);
        Assert.Equal(1, server.Seen.Count(s => s.Status == 429));
        Assert.All(server.Seen, s =>
        {
            Assert.Equal("/v1/chat/completions", s.Path);
            Assert.Equal("Bearer test-key", s.Authorization);
            Assert.Equal("r1-distill-test", s.Body.GetProperty("model").GetString());
            Assert.Equal(3, s.Body.GetProperty("n").GetInt32());
            Assert.Equal(0.6, s.Body.GetProperty("temperature").GetDouble());
            Assert.Equal(0.95, s.Body.GetProperty("top_p").GetDouble());
            Assert.Equal(512, s.Body.GetProperty("max_tokens").GetInt32());
            Assert.True(s.Body.TryGetProperty("seed", out _));
            var message = Assert.Single(s.Body.GetProperty("messages").EnumerateArray());
            Assert.Equal("user", message.GetProperty("role").GetString());
        });

        var records = File.ReadAllLines(EvaluationRunner.SamplesPath(output, "arith")).Select(l => JsonSerializer.Deserialize<SampleRecord>(l)!).ToList();
        Assert.Equal(12, records.Count);
        Assert.All(records, r => Assert.Null(r.Error));

        Assert.Equal(8, records.Count(r => r.Correct));
        Assert.All(records.Where(r => r.SampleIndex == 1), r => Assert.True(r.Truncated));
        // reasoning_content comes back inside think tags, before the answer.
        Assert.All(records.Where(r => r.SampleIndex == 2), r => Assert.StartsWith("<think>\nI add the numbers.\n</think>", r.Response));
        // n = 3 shares one usage total, so per-sample tokens are estimates that add up to it.
        Assert.All(records, r => Assert.True(r.TokensEstimated));
        Assert.All(records.GroupBy(r => r.QuestionId), g => Assert.InRange(g.Sum(r => r.CompletionTokens!.Value), 299, 301));

        var metrics = summary.Benchmarks[0];
        Assert.Equal(0, metrics.FailedSamples);
        Assert.Equal(2.0 / 3, metrics.PassAt1.Mean, 12);
        Assert.Equal(1.0, metrics.ConsensusAccuracy, 12);
    }

    [Theory]
    [InlineData("{\"choices\": [{\"index\": 0, \"message\": {\"content\": \"\\\\boxed{1", "not JSON")]
    [InlineData("{\"id\": \"x\"}", "no 'choices' array")]
    [InlineData("{\"choices\": [{\"index\": 0}]}", "has no 'message' object")]
    [InlineData("{\"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\"}}]}", "has no text content")]
    public async Task AMalformed200IsRetriedLikeA5xxThenTheGoodReplyIsKept(string broken, string problem)
    {
        await using var server = new FakeChatCompletionsServer((_, number) => number == 1
            ? new(200, broken)
            : new(200, FakeChatCompletionsServer.Choices(3, 7, new { index = 0, message = new { role = "assistant", content = "\\boxed{1}" }, finish_reason = "stop" })));
        using var backend = Backend(server);
        var result = await backend.CompleteAsync(new CompletionRequest([new PromptMessage("user", "q")], 1, new SamplingParameters()));
        Assert.Equal(2, server.Seen.Count);
        Assert.Null(result[0].Error);
        Assert.Equal("\\boxed{1}", result[0].Text);
        Assert.Equal(7, result[0].CompletionTokens);

        await using var alwaysBroken = new FakeChatCompletionsServer((_, _) => new(200, broken));
        using var giveUp = Backend(alwaysBroken);
        var failed = await giveUp.CompleteAsync(new CompletionRequest([new PromptMessage("user", "q")], 1, new SamplingParameters()));
        Assert.Equal(1 + FastRetries.MaxRetries, alwaysBroken.Seen.Count);
        Assert.StartsWith("malformed reply", failed[0].Error);
        Assert.Contains(problem, failed[0].Error);
        Assert.Contains("gave up after 4 attempts", failed[0].Error);
    }

    [Fact]
    public async Task ClientErrorsAreNotRetriedAndServerErrorsGiveUpAfterTheRetryBudget()
    {
        await using var server = new FakeChatCompletionsServer((body, _) =>
            Prompt(body).Contains("bad", StringComparison.Ordinal)
                ? new(400, "{\"error\":{\"message\":\"n must be 1\"}}")
                : new(503, "overloaded"));
        using var backend = Backend(server);
        var sampling = new SamplingParameters { MaxTokens = 16 };

        var rejected = await backend.CompleteAsync(new CompletionRequest([new PromptMessage("user", "bad")], 2, sampling));
        Assert.Equal(2, rejected.Count);
        Assert.All(rejected, c => Assert.Contains("HTTP 400", c.Error));
        Assert.All(rejected, c => Assert.Contains("n must be 1", c.Error));
        Assert.Single(server.Seen);

        var overloaded = await backend.CompleteAsync(new CompletionRequest([new PromptMessage("user", "fine")], 1, sampling));
        Assert.Contains("HTTP 503", overloaded[0].Error);
        Assert.Contains("gave up after 4 attempts", overloaded[0].Error);
        Assert.Equal(1 + 4, server.Seen.Count);
    }

    [Fact]
    public async Task ATimedOutRequestIsRetriedThenReported()
    {
        await using var server = new FakeChatCompletionsServer((_, _) => new(200, FakeChatCompletionsServer.Choices(1, 1), Delay: TimeSpan.FromSeconds(5)));
        using var backend = Backend(server, timeout: TimeSpan.FromMilliseconds(150));
        var result = await backend.CompleteAsync(new CompletionRequest([new PromptMessage("user", "slow")], 1, new SamplingParameters()));
        Assert.Contains("timed out", result[0].Error);
        Assert.Equal(4, await server.SeenCountOnceAtLeastAsync(4, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ASingleSampleGetsItsExactTokenCountAndMissingChoicesAreRetriedThenErrors()
    {
        await using var server = new FakeChatCompletionsServer((body, _) => new(200, FakeChatCompletionsServer.Choices(3, 42,
            new { index = 0, message = new { role = "assistant", content = "\\boxed{1}" }, finish_reason = "stop" })));
        using var backend = Backend(server);
        var one = await backend.CompleteAsync(new CompletionRequest([new PromptMessage("user", "q")], 1, new SamplingParameters()));
        Assert.Equal(42, one[0].CompletionTokens);
        Assert.False(one[0].TokensEstimated);

        var three = await backend.CompleteAsync(new CompletionRequest([new PromptMessage("user", "q")], 3, new SamplingParameters()));
        Assert.Equal("\\boxed{1}", three[0].Text);
        Assert.All(three.Skip(1), c => Assert.Contains("returned 1 of 3 choices", c.Error));
        Assert.All(three.Skip(1), c => Assert.Contains("gave up after 4 attempts", c.Error));
        Assert.Equal(1 + 4, server.Seen.Count);
    }

    [Fact]
    public async Task MaxTokensIsCappedByTheContextTheServerReports()
    {
        await using var server = new FakeChatCompletionsServer((_, _) => new(200, FakeChatCompletionsServer.Choices(1, 1,
            new { index = 0, message = new { role = "assistant", content = "\\boxed{1}" }, finish_reason = "stop" })))
        {
            ModelsReply = "{\"object\":\"list\",\"data\":[{\"id\":\"other\",\"max_model_len\":50},{\"id\":\"r1-distill-test\",\"max_model_len\":1000}]}",
        };
        using var backend = Backend(server);
        var request = new CompletionRequest([new PromptMessage("user", "What is 1+1?")], 1, new SamplingParameters { MaxTokens = 32_768 });
        await backend.CompleteAsync(request);
        await backend.CompleteAsync(request);
        var sent = server.Seen.Select(s => s.Body.GetProperty("max_tokens").GetInt32()).ToList();
        Assert.All(sent, tokens => Assert.InRange(tokens, 900, 999));
        Assert.Equal(1, server.ModelsRequests);

        // A prompt longer than the context fails that sample without a request.
        var huge = new CompletionRequest([new PromptMessage("user", new string('x', 5000))], 2, new SamplingParameters());
        var failed = await backend.CompleteAsync(huge);
        Assert.All(failed, c => Assert.Contains("does not fit the model's context of 1000", c.Error));
        Assert.Equal(2, server.Seen.Count);
    }

    [Fact]
    public async Task WithoutModelsInformationMaxTokensIsSentAsAsked()
    {
        await using var server = new FakeChatCompletionsServer((_, _) => new(200, FakeChatCompletionsServer.Choices(1, 1,
            new { index = 0, message = new { role = "assistant", content = "\\boxed{1}" }, finish_reason = "stop" })));
        using var backend = Backend(server);
        await backend.CompleteAsync(new CompletionRequest([new PromptMessage("user", "q")], 1, new SamplingParameters()));
        Assert.Equal(32_768, Assert.Single(server.Seen).Body.GetProperty("max_tokens").GetInt32());
    }
}
