using System.Text.Json;
using R1Sharp.Evaluation;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Serving;
using R1Sharp.Tests.Models;
using R1Sharp.Tests.Serving;
using R1Sharp.Text;
using R1Sharp.Tools;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Tests.Evaluation;

/// <summary><c>r1 eval --tools --endpoint</c> (issue 20): the tool loop runs here, a server samples each turn on token ids.</summary>
public sealed class EvalToolsEndpointTests : IDisposable
{
    private const string Call = "<tool_call>{\"name\": \"add\", \"arguments\": {\"a\": 40, \"b\": 2}}</tool_call>";
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-evaltools-endpoint-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The test models' ASCII ids; digits and brackets read as themselves, EOS ends, every other id reads as a whole tool call.</summary>
    private static RereadAsciiTokenizer CallingTokenizer() => new((id, skipSpecial) =>
        id == AsciiTestTokenizer.Eos ? (skipSpecial ? "" : "#")
        : RereadAsciiTokenizer.Ascii(id) is var c && (char.IsAsciiDigit(c[0]) || c is "[" or "]") ? c : Call, withEos: true);

    private static string Plain(IReadOnlyList<PromptMessage> messages) =>
        new PlainChatFormatter().Format(messages.Select(m => new ChatTurn(m.Role, m.Content)).ToList(), addGenerationPrompt: true);

    private static ToolCallingRollouts Loop(ITextTokenizer tokenizer, Action? invoked = null)
    {
        var add = new FunctionTool("add", "{}", (args, _) =>
        {
            invoked?.Invoke();
            return Task.FromResult((args.GetProperty("a").GetInt32() + args.GetProperty("b").GetInt32()).ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        return new ToolCallingRollouts(tokenizer, new ToolRolloutOptions(new ToolRunner([add]), 2, new ToolMessageFormat("[", "]")));
    }

    private static string TokenReply(IEnumerable<int> ids, string finish, string? stopReason = null) => JsonSerializer.Serialize(new
    {
        id = "cmpl-test",
        @object = "text_completion",
        choices = new[] { new { index = 0, text = "", finish_reason = finish, stop_reason = stopReason, token_ids = ids.ToArray() } },
    });

    private static int[] Prompt(JsonElement body) => [.. body.GetProperty("prompt").EnumerateArray().Select(e => e.GetInt32())];

    [Fact]
    public async Task ACallIsRunHereAndItsResultReachesTheNextRequest()
    {
        var ascii = new AsciiTestTokenizer();
        int calls = 0;
        await using var server = new FakeChatCompletionsServer((body, n) => n switch
        {
            1 => new(200, TokenReply(ascii.Encode("Let me add. " + Call), "stop", "</tool_call>")),
            2 => new(200, TokenReply(ascii.Encode("It is \\boxed{42}.").Append(AsciiTestTokenizer.Eos), "stop")),
            _ => new(500, "{}"),
        });
        using var backend = new ToolCallingEndpointBackend(new OpenAICompatibleOptions { Endpoint = server.BaseUri, Model = "m", Retry = new RetryPolicy { MaxRetries = 0 } },
            ascii, Plain, Loop(ascii, () => Interlocked.Increment(ref calls)));

        var result = await backend.CompleteAsync(new CompletionRequest([new PromptMessage("user", "What is 40+2?")], 1, new SamplingParameters { MaxTokens = 200, Seed = 3 }));

        var completion = Assert.Single(result);
        Assert.Null(completion.Error);
        Assert.Equal("Let me add. " + Call + "[42]It is \\boxed{42}.", completion.Text);
        Assert.Equal(1, completion.ToolCalls);
        Assert.Equal(0, completion.ToolFailures);
        Assert.Equal(1, calls);
        var requests = server.Seen.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.All(requests, r => Assert.Equal("/v1/completions", r.Path));
        Assert.True(requests[0].Body.GetProperty("return_token_ids").GetBoolean());
        int[] prompt = [.. ascii.Encode(Plain([new PromptMessage("user", "What is 40+2?")]))];
        Assert.Equal(prompt, Prompt(requests[0].Body));
        // The second turn's prompt is the conversation so far as ids: prompt, the call, the tool message holding the result.
        Assert.Equal([.. prompt, .. ascii.Encode("Let me add. " + Call + "[42]")], Prompt(requests[1].Body));
        Assert.Equal(200 - ascii.Encode("Let me add. " + Call + "[42]").Count, requests[1].Body.GetProperty("max_tokens").GetInt32());
        Assert.Equal(completion.Text!.Length + 1, completion.CompletionTokens); // every token of the conversation, EOS included
    }

    [Fact]
    public async Task AFenceThatClosesNoPythonCallContinuesWithoutAToolMessage()
    {
        var ascii = new AsciiTestTokenizer();
        await using var server = new FakeChatCompletionsServer((body, n) => n switch
        {
            1 => new(200, TokenReply(ascii.Encode("See: ```"), "stop")), // no stop_reason (as r1 serve): the last token completed a stop string
            2 => new(200, TokenReply(ascii.Encode("text x = 1 ```"), "stop")),
            _ => new(200, TokenReply(ascii.Encode(" done").Append(AsciiTestTokenizer.Eos), "stop")),
        });
        using var backend = new ToolCallingEndpointBackend(new OpenAICompatibleOptions { Endpoint = server.BaseUri, Model = "m" }, ascii, Plain, Loop(ascii));

        var completion = Assert.Single(await backend.CompleteAsync(new CompletionRequest([new PromptMessage("user", "hi")], 1, new SamplingParameters { MaxTokens = 100 })));

        Assert.Null(completion.Error);
        Assert.Equal("See: ```text x = 1 ``` done", completion.Text);
        Assert.Equal(0, completion.ToolCalls);
        var requests = server.Seen.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.EndsWith("See: ```text x = 1 ```", ascii.Decode(Prompt(requests[2].Body)));
    }

    [Fact]
    public async Task AServerWithoutTokenIdsOrThatKeepsFailingFailsTheSamplesWithTheReason()
    {
        var ascii = new AsciiTestTokenizer();
        await using var noIds = new FakeChatCompletionsServer((_, _) => new(200, """{"choices": [{"index": 0, "text": "hi", "finish_reason": "stop"}]}"""));
        using (var backend = new ToolCallingEndpointBackend(new OpenAICompatibleOptions { Endpoint = noIds.BaseUri, Model = "m" }, ascii, Plain, Loop(ascii)))
        {
            var result = await backend.CompleteAsync(new CompletionRequest([new PromptMessage("user", "hi")], 2, new SamplingParameters { MaxTokens = 10 }));
            Assert.Equal(2, result.Count);
            Assert.All(result, c => Assert.Contains("return_token_ids", c.Error));
            Assert.Equal(2, noIds.Seen.Count); // one request per sample, not retried: asking again would not help
        }

        await using var down = new FakeChatCompletionsServer((_, _) => new(503, """{"error": "busy"}"""));
        using (var backend = new ToolCallingEndpointBackend(new OpenAICompatibleOptions
        {
            Endpoint = down.BaseUri,
            Model = "m",
            Retry = new RetryPolicy { MaxRetries = 1, InitialDelay = TimeSpan.FromMilliseconds(1) },
        }, ascii, Plain, Loop(ascii)))
        {
            var failed = Assert.Single(await backend.CompleteAsync(new CompletionRequest([new PromptMessage("user", "hi")], 1, new SamplingParameters { MaxTokens = 10 })));
            Assert.Contains("HTTP 503", failed.Error);
            Assert.Contains("gave up after 2 attempts", failed.Error);
        }
    }

    [Fact]
    public async Task AModelServedByR1ServeGivesTheRecordsOfTheSameModelInProcess()
    {
        var tokenizer = CallingTokenizer();
        await using var fixture = await ServingFixture.StartAsync(tokenizer: tokenizer, formatter: new PlainChatFormatter());
        var benchmark = ArithmeticBenchmark.Write(_dir, "sums", 2, 2);
        var options = new EvaluationOptions
        {
            MaxConcurrentRequests = 1,
            SamplesPerRequest = 2,
            Sampling = new SamplingParameters { MaxTokens = 60, Temperature = 0, Seed = 1 },
            Tools = new ToolSettings(["add"], 2),
        };

        using var local = new LocalModelBackend("local", TestModels.Small(TestModels.Qwen, seed: 7), tokenizer, Plain, ownsModel: true, tools: Loop(tokenizer));
        using var endpoint = new ToolCallingEndpointBackend(new OpenAICompatibleOptions { Endpoint = new Uri(fixture.Server.BaseAddress, "v1"), Model = "tiny" },
            tokenizer, Plain, Loop(tokenizer));
        var localSummary = await new EvaluationRunner(local, options).RunAsync([benchmark], _ => new BoxedNumberJudge(), Path.Combine(_dir, "local"));
        var endpointSummary = await new EvaluationRunner(endpoint, options).RunAsync([benchmark], _ => new BoxedNumberJudge(), Path.Combine(_dir, "endpoint"));

        string[] Records(string run) => [.. File.ReadAllLines(EvaluationRunner.SamplesPath(Path.Combine(_dir, run), "sums")).Order(StringComparer.Ordinal)];
        var localRecords = Records("local");
        Assert.Equal(4, localRecords.Length);
        Assert.Equal(localRecords, Records("endpoint"));
        Assert.Contains(localRecords, r => JsonDocument.Parse(r).RootElement.GetProperty("tool_calls").GetInt32() > 0); // the loop did run tools
        Assert.Equal(localSummary.Overall.ToolCallRate, endpointSummary.Overall.ToolCallRate);
        Assert.Equal(localSummary.Overall.MeanToolCalls, endpointSummary.Overall.MeanToolCalls);
    }
}
