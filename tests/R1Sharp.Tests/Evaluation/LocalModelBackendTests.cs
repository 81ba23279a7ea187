using R1Sharp.Evaluation;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Serving;
using R1Sharp.Tests.Models;
using R1Sharp.Tests.Serving;

namespace R1Sharp.Tests.Evaluation;

public sealed class LocalModelBackendTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-local-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Plain(IReadOnlyList<PromptMessage> messages) =>
        new PlainChatFormatter().Format(messages.Select(m => new ChatTurn(m.Role, m.Content)).ToList(), addGenerationPrompt: true);

    private static LocalModelBackend TinyBackend() =>
        new("tiny", TestModels.Small(TestModels.Qwen, seed: 7), new AsciiTestTokenizer(), Plain, ownsModel: true);

    [Fact]
    public async Task ARequestsSamplesAreOneSeededBatchWithTokenCountsAndFinishReasons()
    {
        using var backend = TinyBackend();
        var request = new CompletionRequest([new PromptMessage("user", "What is 2+2?")], 3, new SamplingParameters { MaxTokens = 6, Seed = 5, Temperature = 1.0, TopP = 1.0 });

        var first = await backend.CompleteAsync(request);
        var again = await backend.CompleteAsync(request);

        Assert.Equal(3, first.Count);
        Assert.All(first, c =>
        {
            Assert.Null(c.Error);
            Assert.False(c.TokensEstimated);
            Assert.InRange(c.CompletionTokens!.Value, 1, 6);
            Assert.Contains(c.FinishReason, new[] { "stop", "length" });
            if (c.FinishReason == "length") Assert.Equal(6, c.CompletionTokens);
        });
        Assert.Equal(first.Select(c => c.Text), again.Select(c => c.Text));
    }

    [Fact]
    public async Task APromptThatFillsTheContextFailsPerSample()
    {
        using var backend = TinyBackend();
        string huge = new('x', backend.ContextLength);
        var result = await backend.CompleteAsync(new CompletionRequest([new PromptMessage("user", huge)], 2, new SamplingParameters()));
        Assert.All(result, c => Assert.Contains("fills the model's context", c.Error));
    }

    [Fact]
    public async Task TheRunnerEvaluatesWithTheInProcessModel()
    {
        var benchmark = ArithmeticBenchmark.Write(_dir, "local", 2, 3);
        using var backend = TinyBackend();
        var options = new EvaluationOptions { MaxConcurrentRequests = 1, SamplesPerRequest = 3, Sampling = new SamplingParameters { MaxTokens = 8, Seed = 1 } };
        var summary = await new EvaluationRunner(backend, options).RunAsync([benchmark], _ => new BoxedNumberJudge(), Path.Combine(_dir, "out"));
        var metrics = Assert.Single(summary.Benchmarks);
        Assert.Equal(6, metrics.Samples);
        Assert.Equal(0, metrics.FailedSamples);
        Assert.InRange(metrics.MaxResponseTokens!.Value, 1, 8);
    }

    [Fact]
    public async Task TheHttpBackendTalksToR1Serve()
    {
        await using var fixture = await ServingFixture.StartAsync();
        using var backend = new OpenAICompatibleBackend(new OpenAICompatibleOptions { Endpoint = new Uri(fixture.Server.BaseAddress, "v1"), Model = "tiny" });
        var greedy = new SamplingParameters { Temperature = 0, MaxTokens = 10 };

        var result = await backend.CompleteAsync(new CompletionRequest([new PromptMessage("user", "What is 3+4?")], 2, greedy));

        Assert.Equal(2, result.Count);
        string expected = fixture.Generate("What is 3+4?", 10, 0, null, chat: true);
        Assert.All(result, c =>
        {
            Assert.Null(c.Error);
            Assert.Equal(expected, c.Text);
        });
    }
}
