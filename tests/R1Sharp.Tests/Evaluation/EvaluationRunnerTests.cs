using R1Sharp.Evaluation;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Evaluation.Benchmarks;
using R1Sharp.Evaluation.Judging;
using R1Sharp.Evaluation.Results;

namespace R1Sharp.Tests.Evaluation;

public sealed class EvaluationRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-eval-").FullName;
    private readonly IAnswerJudge _judge = new BoxedNumberJudge();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Output => Path.Combine(_dir, "out");

    private static EvaluationOptions Options(int concurrency = 2, int perRequest = 3) =>
        new() { MaxConcurrentRequests = concurrency, SamplesPerRequest = perRequest, Sampling = new SamplingParameters { MaxTokens = 64, Seed = 11 } };

    private static List<string> LogLines(string output, string benchmark) =>
        File.ReadAllLines(EvaluationRunner.SamplesPath(output, benchmark)).ToList();

    [Fact]
    public async Task AKilledRunResumesWithoutRepeatingOrLosingSamples()
    {
        var benchmarks = new[] { ArithmeticBenchmark.Write(_dir, "alpha", 6, 5), ArithmeticBenchmark.Write(_dir, "beta", 3, 4) };
        const int total = 6 * 5 + 3 * 4;
        using var kill = new CancellationTokenSource();
        var first = new ScriptedBackend { CancelAfterSamples = 17, RunCancellation = kill };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new EvaluationRunner(first, Options()).RunAsync(benchmarks, _ => _judge, Output, cancellationToken: kill.Token));

        int keptAfterKill = benchmarks.Sum(b => LogLines(Output, b.Name).Count);
        Assert.InRange(keptAfterKill, 1, total - 1);
        // A kill during a write leaves a torn line; the rerun must drop it rather than fail or keep it.
        File.AppendAllText(EvaluationRunner.SamplesPath(Output, "alpha"), "{\"question_id\":\"alpha-1\",\"sample_in");

        var second = new ScriptedBackend();
        var summary = await new EvaluationRunner(second, Options()).RunAsync(benchmarks, _ => _judge, Output);

        Assert.Equal(total - keptAfterKill, second.SamplesRequested);
        foreach (var benchmark in benchmarks)
        {
            var keys = LogLines(Output, benchmark.Name)
                .Select(l => System.Text.Json.JsonSerializer.Deserialize<SampleRecord>(l)!)
                .Select(r => (r.QuestionId, r.SampleIndex)).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count());
            var expected = Enumerable.Range(1, benchmark.Name == "alpha" ? 6 : 3)
                .SelectMany(q => Enumerable.Range(0, benchmark.Samples).Select(i => ($"{benchmark.Name}-{q}", i)));
            Assert.Equal(expected.Order(), keys.Order());
        }
        Assert.Equal(1.0, summary.Overall.PassAt1.Mean);
        Assert.Equal(total, summary.Benchmarks.Sum(b => b.Samples));
    }

    [Fact]
    public async Task AFinishedRunAsksForNothingMoreAndGrowingKAsksOnlyForTheNewSamples()
    {
        var benchmark = ArithmeticBenchmark.Write(_dir, "alpha", 4, 2);
        await new EvaluationRunner(new ScriptedBackend(), Options()).RunAsync([benchmark], _ => _judge, Output);

        var again = new ScriptedBackend();
        await new EvaluationRunner(again, Options()).RunAsync([benchmark], _ => _judge, Output);
        Assert.Equal(0, again.SamplesRequested);

        var more = new ScriptedBackend();
        var summary = await new EvaluationRunner(more, Options()).RunAsync([benchmark with { Samples = 5 }], _ => _judge, Output);
        Assert.Equal(4 * 3, more.SamplesRequested);
        Assert.Equal(5, summary.Benchmarks[0].SamplesPerQuestion);
    }

    [Fact]
    public async Task FailedSamplesAreKeptAsErrorsAndRetriedByTheNextRun()
    {
        var benchmark = ArithmeticBenchmark.Write(_dir, "alpha", 3, 4);
        int calls = 0;
        var flaky = new ScriptedBackend
        {
            // Every third sample fails.
            Answer = sum => Interlocked.Increment(ref calls) % 3 == 0
                ? Completion.Failure("HTTP 500 Internal Server Error")
                : new Completion($"\\boxed{{{sum}}}", 5, false, "stop", null),
        };
        var summary = await new EvaluationRunner(flaky, Options(concurrency: 1, perRequest: 4)).RunAsync([benchmark], _ => _judge, Output);
        int failed = summary.Benchmarks[0].FailedSamples;
        Assert.Equal(12 / 3, failed);
        // Failures count as wrong: pass@1 = 8 / 12.
        Assert.Equal(8.0 / 12, summary.Benchmarks[0].PassAt1.Mean, 12);
        Assert.Contains(LogLines(Output, "alpha"), l => l.Contains("HTTP 500", StringComparison.Ordinal));

        var retry = new ScriptedBackend();
        var fixedSummary = await new EvaluationRunner(retry, Options()).RunAsync([benchmark], _ => _judge, Output);
        Assert.Equal(failed, retry.SamplesRequested);
        Assert.Equal(0, fixedSummary.Benchmarks[0].FailedSamples);
        Assert.Equal(1.0, fixedSummary.Benchmarks[0].PassAt1.Mean);
    }

    [Fact]
    public async Task ResumingWithOtherSamplingSettingsIsRefused()
    {
        var benchmark = ArithmeticBenchmark.Write(_dir, "alpha", 2, 2);
        await new EvaluationRunner(new ScriptedBackend(), Options()).RunAsync([benchmark], _ => _judge, Output);
        var hotter = Options() with { Sampling = new SamplingParameters { Temperature = 1.0, MaxTokens = 64 } };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new EvaluationRunner(new ScriptedBackend(), hotter).RunAsync([benchmark], _ => _judge, Output));
        Assert.Contains("temperature 0.6 -> 1", error.Message);
    }

    [Fact]
    public async Task RequestsFollowTheProtocolAndSummariesAreWritten()
    {
        var benchmark = ArithmeticBenchmark.Write(_dir, "alpha", 2, 5);
        var backend = new ScriptedBackend();
        var progress = new List<EvaluationProgress>();
        await new EvaluationRunner(backend, Options(concurrency: 1, perRequest: 3))
            .RunAsync([benchmark], _ => _judge, Output, new SynchronousProgress(progress));

        // k = 5 split into requests of at most 3 samples; each a single user turn ending with the R1 instruction.
        Assert.Equal([3, 2, 3, 2], backend.Requests.Select(r => r.Count));
        Assert.All(backend.Requests, r =>
        {
            var message = Assert.Single(r.Messages);
            Assert.Equal("user", message.Role);
            Assert.EndsWith("\n" + EvaluationOptions.R1MathInstruction, message.Content);
            Assert.Equal(0.6, r.Sampling.Temperature);
            Assert.Equal(0.95, r.Sampling.TopP);
        });
        Assert.Equal(4, backend.Requests.Select(r => r.Sampling.Seed).Distinct().Count());
        Assert.Equal(10, progress.Count);
        Assert.Equal(10, progress[^1].SamplesDone);
        Assert.Equal(1.0, progress[^1].AccuracySoFar);

        foreach (string file in new[] { SummaryWriter.JsonFileName, SummaryWriter.MarkdownFileName, PassAtKChart.FileName, "run.json" })
            Assert.True(File.Exists(Path.Combine(Output, file)), file);
        var reread = SummaryWriter.FromJson(File.ReadAllText(Path.Combine(Output, SummaryWriter.JsonFileName)))!;
        Assert.Equal([1, 2, 4, 5], reread.Benchmarks[0].PassAtK.Select(p => p.K));
        byte[] png = File.ReadAllBytes(Path.Combine(Output, PassAtKChart.FileName));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Contains("| alpha | 2 | 5 | 100.0 ± 0.0 |", File.ReadAllText(Path.Combine(Output, SummaryWriter.MarkdownFileName)));
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests need the reports in order and complete on return.</summary>
    private sealed class SynchronousProgress(List<EvaluationProgress> sink) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value)
        {
            lock (sink) sink.Add(value);
        }
    }
}
