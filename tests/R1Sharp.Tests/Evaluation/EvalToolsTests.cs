using System.Text.Json;
using R1Sharp.Checkpoints;
using R1Sharp.Evaluation;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Evaluation.Metrics;
using R1Sharp.Evaluation.Results;
using R1Sharp.Models;
using R1Sharp.Serving;
using R1Sharp.Serving.Http;
using R1Sharp.Tests.Models;
using R1Sharp.Tests.Serving;
using R1Sharp.Tests.Text.Tokenization;
using R1Sharp.Text;
using R1Sharp.Tools;
using R1Sharp.Training.Rollouts;
using TorchSharp;

namespace R1Sharp.Tests.Evaluation;

/// <summary><c>r1 eval --tools</c> (issue 20): the in-process backend runs GRPO's tool loop, and results record tool use.</summary>
public sealed class EvalToolsTests : IDisposable
{
    private const string Call = "<tool_call>{\"name\": \"add\", \"arguments\": {\"a\": 40, \"b\": 2}}</tool_call>";
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-evaltools-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>ASCII ids; digits and brackets read as themselves, every other id as a whole tool call, and no EOS: each round ends at its first non-digit.</summary>
    private static RereadAsciiTokenizer CallingTokenizer() =>
        new((id, _) => RereadAsciiTokenizer.Ascii(id) is var c && (char.IsAsciiDigit(c[0]) || c is "[" or "]") ? c : Call, withEos: false);

    private static string Plain(IReadOnlyList<PromptMessage> messages) =>
        new PlainChatFormatter().Format(messages.Select(m => new ChatTurn(m.Role, m.Content)).ToList(), addGenerationPrompt: true);

    private static (LocalModelBackend Backend, Func<int> Invocations) ToolBackend()
    {
        int invocations = 0;
        var add = new FunctionTool("add", "{}", (args, _) =>
        {
            Interlocked.Increment(ref invocations);
            return Task.FromResult((args.GetProperty("a").GetInt32() + args.GetProperty("b").GetInt32()).ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        var tokenizer = CallingTokenizer();
        var loop = new ToolCallingRollouts(tokenizer, new ToolRolloutOptions(new ToolRunner([add]), 2, new ToolMessageFormat("[", "]")));
        return (new LocalModelBackend("tiny+tools", TestModels.Small(TestModels.Qwen, seed: 7), tokenizer, Plain, ownsModel: true, tools: loop), () => invocations);
    }

    [Fact]
    public async Task TheInProcessBackendRunsTheToolLoopAndCountsCallsPerSample()
    {
        var (backend, invocations) = ToolBackend();
        using var _ = backend;
        var request = new CompletionRequest([new PromptMessage("user", "What is 40+2?")], 3, new SamplingParameters { MaxTokens = 120, Seed = 5, Temperature = 1, TopP = 1 });

        var first = await backend.CompleteAsync(request);
        var again = await backend.CompleteAsync(request);

        Assert.Equal(3, first.Count);
        Assert.All(first, c =>
        {
            Assert.Null(c.Error);
            Assert.Equal(2, c.ToolCalls); // max_tool_calling_iterations: the third call ends the sample unanswered
            Assert.Equal(0, c.ToolFailures);
            Assert.Equal(2, c.Text!.Split("[42]").Length - 1); // each answer is in the text, rendered by the tool message format
            Assert.EndsWith(Call, c.Text);
            Assert.Equal("stop", c.FinishReason);
        });
        Assert.Equal(12, invocations()); // 3 samples x 2 calls, twice
        Assert.Equal(first.Select(c => c.Text), again.Select(c => c.Text)); // seeded rounds repeat
    }

    [Fact]
    public async Task TheRunnerRecordsToolCallsPerSampleAndTheToolCallRate()
    {
        var benchmark = ArithmeticBenchmark.Write(_dir, "sums", 2, 2);
        var (backend, _) = ToolBackend();
        using var __ = backend;
        var tools = new ToolSettings(["add"], 2);
        var options = new EvaluationOptions { MaxConcurrentRequests = 1, SamplesPerRequest = 2, Sampling = new SamplingParameters { MaxTokens = 120, Seed = 1 }, Tools = tools };
        string output = Path.Combine(_dir, "out");

        var summary = await new EvaluationRunner(backend, options).RunAsync([benchmark], _ => new BoxedNumberJudge(), output);

        Assert.Equal(1.0, summary.Overall.ToolCallRate);
        Assert.Equal(2.0, summary.Overall.MeanToolCalls);
        Assert.Equal(0.0, summary.Overall.ToolFailureRate);
        var lines = File.ReadAllLines(EvaluationRunner.SamplesPath(output, "sums"));
        Assert.Equal(4, lines.Length);
        Assert.All(lines, l => Assert.Equal(2, JsonDocument.Parse(l).RootElement.GetProperty("tool_calls").GetInt32()));
        Assert.Contains("tool_call_rate", File.ReadAllText(Path.Combine(output, SummaryWriter.JsonFileName)));
        Assert.Contains("## tool use", File.ReadAllText(Path.Combine(output, SummaryWriter.MarkdownFileName)));

        // Resuming into the same folder without tools (or with other limits) would mix two experiments: refused, naming the change.
        var without = options with { Tools = null };
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => new EvaluationRunner(backend, without).RunAsync([benchmark], _ => new BoxedNumberJudge(), output));
        Assert.Contains("tools add (max 2 calls", refused.Message);
    }

    [Fact]
    public void ToolMetricsAreHandComputedOverRespondedSamples()
    {
        SampleRecord Sample(int index, int? calls, int? failures, bool failed = false) =>
            new("q", index, failed ? null : "\\boxed{1}", failed ? null : "1", !failed, 3, false, "stop", null, calls, failures);
        // Calls 0, 1, 3 (one failed) and a failed sample, which does not count.
        var metrics = MetricsCalculator.Compute("m", [[Sample(0, 0, 0), Sample(1, 1, 0), Sample(2, 3, 1), Sample(3, null, null, failed: true)]], (a, b) => a == b);
        Assert.Equal(2.0 / 3, metrics.ToolCallRate!.Value, 12);
        Assert.Equal(4.0 / 3, metrics.MeanToolCalls!.Value, 12);
        Assert.Equal(1.0 / 4, metrics.ToolFailureRate!.Value, 12);

        var withoutTools = MetricsCalculator.Compute("m", [[Sample(0, null, null)]], (a, b) => a == b);
        Assert.Null(withoutTools.ToolCallRate);
        Assert.Null(withoutTools.MeanToolCalls);
    }

    [Fact]
    public void ToolsWithAnEndpointButNoTokenizerOrAnUnknownToolAreUsageErrors()
    {
        var benchmark = ArithmeticBenchmark.Write(_dir, "sums", 1, 1);
        string[] common = ["-b", $"sums={benchmark.DataPath}", "--question-field", "problem", "--answer-field", "answer", "-o", Path.Combine(_dir, "o")];

        var (exit, _, error) = EvalCommandTests.Invoke([.. common, "--tools", "python", "--endpoint", "http://127.0.0.1:9/v1", "--model", "m"]);
        Assert.Equal(2, exit);
        Assert.Contains("--endpoint URL with --tokenizer DIR", error);

        (exit, _, error) = EvalCommandTests.Invoke([.. common, "--tools", "web_search", "--checkpoint", _dir]);
        Assert.Equal(2, exit);
        Assert.Contains("unknown tool 'web_search'", error);
    }

    [Fact]
    public void ACheckpointIsEvaluatedWithThePythonToolInTheSandbox()
    {
        string checkpoint = EvalCheckpointCommandTests.WriteTinyCheckpoint(Path.Combine(_dir, "model"));
        var benchmark = ArithmeticBenchmark.Write(_dir, "sums", 2, 2);
        string output = Path.Combine(_dir, "out");

        var (exit, _, error) = EvalCommandTests.Invoke("-b", $"sums={benchmark.DataPath}", "--question-field", "problem", "--answer-field", "answer", "--id-field", "id",
            "-k", "2", "--checkpoint", checkpoint, "--max-tokens", "6", "--seed", "1", "--tools", "python", "--max-tool-calling-iterations", "3", "-o", output);

        Assert.True(exit == 0, error);
        // A random model calls no tool, but every sample went through the loop and says so.
        Assert.All(File.ReadAllLines(EvaluationRunner.SamplesPath(output, "sums")), l => Assert.Equal(0, JsonDocument.Parse(l).RootElement.GetProperty("tool_calls").GetInt32()));
        var summary = SummaryWriter.FromJson(File.ReadAllText(Path.Combine(output, SummaryWriter.JsonFileName)))!;
        Assert.Equal(0.0, summary.Overall.ToolCallRate);
        Assert.Contains("python (max 3 calls, 10 s, 2048 bytes)", File.ReadAllText(Path.Combine(output, "run.json")));
        Assert.Same(ToolMessageFormat.ChatMl, LocalModelBackend.ToolFormatFor("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"));
        Assert.Same(ToolMessageFormat.Plain, LocalModelBackend.ToolFormatFor("User: hi\nAssistant:"));
    }

    [Fact]
    public async Task ACheckpointServedByR1ServeIsEvaluatedWithThePythonToolThroughTheEndpoint()
    {
        string checkpoint = EvalCheckpointCommandTests.WriteTinyCheckpoint(Path.Combine(_dir, "model"));
        var serveOptions = new ServeOptions { Port = 0, ModelName = "tiny", ContextLength = 256 };
        var served = ServedModelLoader.Load(checkpoint, torch.CPU, null, serveOptions);
        await using var engine = served.Engine;
        await using var server = await OpenAiServer.StartAsync(served, serveOptions);
        var benchmark = ArithmeticBenchmark.Write(_dir, "sums", 2, 2);
        string output = Path.Combine(_dir, "out");

        var (exit, _, error) = EvalCommandTests.Invoke("-b", $"sums={benchmark.DataPath}", "--question-field", "problem", "--answer-field", "answer", "--id-field", "id",
            "-k", "2", "--endpoint", new Uri(server.BaseAddress, "v1").ToString(), "--model", "tiny", "--tokenizer", checkpoint,
            "--max-tokens", "6", "--seed", "1", "--tools", "python", "--max-tool-calling-iterations", "3", "-o", output);

        Assert.True(exit == 0, error);
        var lines = File.ReadAllLines(EvaluationRunner.SamplesPath(output, "sums"));
        Assert.Equal(4, lines.Length);
        Assert.All(lines, l =>
        {
            var record = JsonDocument.Parse(l).RootElement;
            Assert.Equal(JsonValueKind.Null, record.GetProperty("error").ValueKind);
            Assert.Equal(0, record.GetProperty("tool_calls").GetInt32()); // a random model calls no tool; every sample went through the loop
            Assert.InRange(record.GetProperty("tokens").GetInt32(), 1, 6);
        });
        Assert.Contains("python (max 3 calls, 10 s, 2048 bytes)", File.ReadAllText(Path.Combine(output, "run.json")));
    }
}
