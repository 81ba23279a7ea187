using System.CommandLine;
using R1Sharp.Cli.Commands;
using R1Sharp.Cli.Commands.Eval;
using R1Sharp.Evaluation.Benchmarks;
using R1Sharp.Evaluation.Results;

namespace R1Sharp.Tests.Evaluation;

public sealed class EvalCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-evalcli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Runs <c>r1 eval</c> with <paramref name="args"/> (after the command name) in this process.</summary>
    internal static (int Exit, string Output, string Error) Invoke(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(EvalCommand.Create(_ => new BoxedNumberJudge()));
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = root.Parse(["eval", .. args]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static FakeChatCompletionsServer CorrectServer() => new((body, _) =>
    {
        int sum = ArithmeticBenchmark.SumIn(body.GetProperty("messages")[0].GetProperty("content").GetString()!);
        int n = body.GetProperty("n").GetInt32();
        var choices = Enumerable.Range(0, n).Select(i => (object)new { index = i, message = new { role = "assistant", content = $"\\boxed{{{sum}}}" }, finish_reason = "stop" }).ToArray();
        return new(200, FakeChatCompletionsServer.Choices(10, 5 * n, choices));
    });

    [Fact]
    public async Task RunsACustomBenchmarkAgainstAServerAndPrintsTheSummary()
    {
        var benchmark = ArithmeticBenchmark.Write(_dir, "sums", 3, 2);
        await using var server = CorrectServer();
        string output = Path.Combine(_dir, "out");

        var (exit, stdout, stderr) = Invoke("-b", $"sums={benchmark.DataPath}", "--question-field", "problem", "--answer-field", "answer", "--id-field", "id",
            "-k", "2", "--endpoint", server.BaseUri.ToString(), "--model", "m", "-o", output);

        Assert.True(exit == 0, stderr);
        Assert.Contains("sums", stdout);
        Assert.Matches(@"sums\s*│\s*3\s*│\s*2\s*│\s*100\.0\s*│\s*0\.0\s*│\s*100\.0", stdout);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(output, "sums", "samples.jsonl")).Length);
        var summary = SummaryWriter.FromJson(File.ReadAllText(Path.Combine(output, SummaryWriter.JsonFileName)))!;
        Assert.Equal(1.0, summary.Overall.PassAt1.Mean);
        Assert.Equal(3, server.Seen.Count);

        // The same command again finds everything done and asks for nothing.
        var again = Invoke("-b", $"sums={benchmark.DataPath}", "--question-field", "problem", "--answer-field", "answer", "--id-field", "id",
            "-k", "2", "--endpoint", server.BaseUri.ToString(), "--model", "m", "-o", output);
        Assert.Equal(0, again.Exit);
        Assert.Equal(3, server.Seen.Count);
    }

    [Fact]
    public void ABadDataFileExitsWithItsLineNumber()
    {
        string path = Path.Combine(_dir, "broken.jsonl");
        File.WriteAllLines(path, ["{\"problem\":\"What is 1+1?\",\"answer\":\"2\",\"unique_id\":\"a\"}", "{\"problem\":", "{}"]);
        var (exit, _, stderr) = Invoke("-b", $"math500={path}", "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "-o", Path.Combine(_dir, "out"));
        Assert.Equal(2, exit);
        Assert.Contains("broken.jsonl:2:", stderr);
    }

    [Theory]
    [InlineData("--model", "m")]
    [InlineData("--endpoint", "ftp://example/v1")]
    public void MissingOrBadBackendOptionsAreExplained(string option, string value)
    {
        var benchmark = ArithmeticBenchmark.Write(_dir, "sums", 1, 1);
        string[] args = option == "--model"
            ? ["-b", $"sums={benchmark.DataPath}", "--question-field", "problem", "--answer-field", "answer", "--model", value, "-o", _dir]
            : ["-b", $"sums={benchmark.DataPath}", "--question-field", "problem", "--answer-field", "answer", "--model", "m", option, value, "-o", _dir];
        var (exit, _, stderr) = Invoke(args);
        Assert.Equal(2, exit);
        Assert.Contains("--endpoint", stderr);
    }

    [Fact]
    public void PresetsResolveFromTheDataDirectoryAndFieldOverridesApply()
    {
        var none = new BenchmarkArguments.FieldOverrides(null, null, null, null);
        var math = BenchmarkArguments.Resolve("math500", "/data", none, null);
        Assert.Equal(Path.Combine("/data", "math500.jsonl"), math.DataPath);
        Assert.Equal(BenchmarkPresets.Math500.DefaultSamples, math.Samples);

        var aime = BenchmarkArguments.Resolve("aime24=/x/aime.parquet", "/data", new("question", null, null, null), 8);
        Assert.Equal("/x/aime.parquet", aime.DataPath);
        Assert.Equal("question", aime.QuestionField);
        Assert.Equal("answer", aime.AnswerField);
        Assert.Equal(8, aime.Samples);

        var custom = BenchmarkArguments.Resolve("/x/my-set.jsonl", "/data", new("q", "a", null, "####"), null);
        Assert.Equal("my-set", custom.Name);
        Assert.Equal("####", custom.GoldMarker);
        Assert.Equal(BenchmarkArguments.DefaultCustomSamples, custom.Samples);

        Assert.Contains("--question-field", Assert.Throws<ArgumentException>(() => BenchmarkArguments.Resolve("/x/my-set.jsonl", "/data", none, null)).Message);
        Assert.Contains("no preset", Assert.Throws<ArgumentException>(() => BenchmarkArguments.Resolve("gpqa", "/data", none, null)).Message);
        Assert.Contains("name", Assert.Throws<ArgumentException>(() => BenchmarkArguments.Resolve("a b=/x.jsonl", "/data", new("q", "a", null, null), null)).Message);
    }
}
