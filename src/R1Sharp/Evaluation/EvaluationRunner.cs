using System.Diagnostics;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Evaluation.Benchmarks;
using R1Sharp.Evaluation.Judging;
using R1Sharp.Evaluation.Metrics;
using R1Sharp.Evaluation.Results;
using R1Sharp.IO;

namespace R1Sharp.Evaluation;

/// <summary>
/// Runs the evaluation protocol: k samples per question from a backend, each judged and appended to the
/// benchmark's <c>samples.jsonl</c> as it arrives; then metrics, <c>summary.json</c>, <c>summary.md</c> and the
/// pass@k chart. Rerunning with the same output directory asks only for the samples still missing (or failed).
/// </summary>
public sealed class EvaluationRunner
{
    private readonly ICompletionBackend _backend;
    private readonly EvaluationOptions _options;

    /// <summary>Creates a runner.</summary>
    /// <param name="backend">Where samples come from.</param>
    /// <param name="options">Protocol settings.</param>
    public EvaluationRunner(ICompletionBackend backend, EvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentRequests, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SamplesPerRequest, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConsecutiveFailedRequests, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Sampling.MaxTokens, 1);
        _backend = backend;
        _options = options;
    }

    /// <summary>Evaluates <paramref name="benchmarks"/> into <paramref name="outputDirectory"/>.</summary>
    /// <param name="benchmarks">What to evaluate; every file is read and validated before the first request.</param>
    /// <param name="judgeFor">The judge of each benchmark (the math verifier, with the preset's extraction settings).</param>
    /// <param name="outputDirectory">Holds <c>&lt;benchmark&gt;/samples.jsonl</c>, <c>run.json</c> and the summaries.</param>
    /// <param name="progress">Receives a snapshot after each sample; may be null.</param>
    /// <param name="cancellationToken">Stops the run; finished samples stay in the logs.</param>
    /// <exception cref="Data.DatasetFormatException">A benchmark file is unusable (names the file and line).</exception>
    /// <exception cref="InvalidOperationException">The output directory holds a run with different settings.</exception>
    public async Task<EvaluationSummary> RunAsync(
        IReadOnlyList<BenchmarkDefinition> benchmarks,
        Func<BenchmarkDefinition, IAnswerJudge> judgeFor,
        string outputDirectory,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(benchmarks);
        ArgumentNullException.ThrowIfNull(judgeFor);
        if (benchmarks.Count == 0) throw new ArgumentException("no benchmark given", nameof(benchmarks));
        var duplicate = benchmarks.GroupBy(b => b.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"benchmark '{duplicate.Key}' is given twice", nameof(benchmarks));
        using var runLock = RunDirectoryLock.Acquire(outputDirectory);

        var loaded = new List<LoadedBenchmark>();
        foreach (var definition in benchmarks)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(definition.Samples, 1, $"{definition.Name} samples");
            var questions = await BenchmarkLoader.LoadAsync(definition, cancellationToken).ConfigureAwait(false);
            if (_options.QuestionLimit is { } limit) questions = questions.Take(limit).ToList();
            loaded.Add(new LoadedBenchmark(definition, questions, judgeFor(definition)));
        }

        await RunSettingsFile.CheckOrWriteAsync(outputDirectory, RunSettings.Of(_options), cancellationToken).ConfigureAwait(false);

        var logs = new List<SampleLog>();
        try
        {
            foreach (var benchmark in loaded)
                logs.Add(await SampleLog.OpenAsync(SamplesPath(outputDirectory, benchmark.Definition.Name), cancellationToken).ConfigureAwait(false));
            await SampleMissingAsync(loaded, logs, progress, cancellationToken).ConfigureAwait(false);
            return await SummarizeAsync(loaded, logs, outputDirectory, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var log in logs) await log.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Judges the stored responses of <paramref name="outputDirectory"/> again with the current judges (after a
    /// verifier update, or with another judge) and rewrites each <c>samples.jsonl</c> atomically; no sample is
    /// drawn. Failed samples and samples of questions no longer in the benchmark are kept unchanged.
    /// </summary>
    /// <returns>How many samples were judged again and how many verdicts changed.</returns>
    public static async Task<(int Judged, int Changed)> RescoreAsync(
        IReadOnlyList<BenchmarkDefinition> benchmarks,
        Func<BenchmarkDefinition, IAnswerJudge> judgeFor,
        string outputDirectory,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(benchmarks);
        ArgumentNullException.ThrowIfNull(judgeFor);
        int judged = 0, changed = 0;
        if (!Directory.Exists(outputDirectory)) return (judged, changed);
        using var runLock = RunDirectoryLock.Acquire(outputDirectory);
        foreach (var definition in benchmarks)
        {
            string path = SamplesPath(outputDirectory, definition.Name);
            if (!File.Exists(path)) continue;
            var questions = (await BenchmarkLoader.LoadAsync(definition, cancellationToken).ConfigureAwait(false)).ToDictionary(q => q.Id);
            var judge = judgeFor(definition);
            IReadOnlyCollection<SampleRecord> records;
            await using (var log = await SampleLog.OpenAsync(path, cancellationToken).ConfigureAwait(false))
                records = log.Records;
            var rescored = new List<SampleRecord>(records.Count);
            foreach (var record in records.OrderBy(r => r.QuestionId, StringComparer.Ordinal).ThenBy(r => r.SampleIndex))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (record.Failed || !questions.TryGetValue(record.QuestionId, out var question))
                {
                    rescored.Add(record);
                    continue;
                }
                var again = Judge(judge, question, record.SampleIndex,
                    new Completion(record.Response, record.CompletionTokens, record.TokensEstimated, record.FinishReason, null)
                    { ToolCalls = record.ToolCalls, ToolFailures = record.ToolFailures });
                judged++;
                if (again.Correct != record.Correct) changed++;
                rescored.Add(again);
            }
            await SampleLog.RewriteAsync(path, rescored, cancellationToken).ConfigureAwait(false);
        }
        return (judged, changed);
    }

    /// <summary>Path of a benchmark's sample log inside an output directory.</summary>
    public static string SamplesPath(string outputDirectory, string benchmarkName) =>
        Path.Combine(outputDirectory, benchmarkName, "samples.jsonl");

    private async Task SampleMissingAsync(
        List<LoadedBenchmark> loaded, List<SampleLog> logs, IProgress<EvaluationProgress>? progress, CancellationToken cancellationToken)
    {
        var work = new List<WorkItem>();
        var tally = new ProgressTally();
        for (int b = 0; b < loaded.Count; b++)
        {
            var benchmark = loaded[b];
            var done = logs[b].Records.Where(r => !r.Failed).ToDictionary(r => (r.QuestionId, r.SampleIndex));
            tally.Total += benchmark.Questions.Count * benchmark.Definition.Samples;
            for (int q = 0; q < benchmark.Questions.Count; q++)
            {
                var question = benchmark.Questions[q];
                var missing = new List<int>();
                for (int i = 0; i < benchmark.Definition.Samples; i++)
                {
                    if (done.TryGetValue((question.Id, i), out var record))
                    {
                        tally.Done++;
                        if (record.Correct) tally.Correct++;
                    }
                    else missing.Add(i);
                }
                foreach (var chunk in missing.Chunk(_options.SamplesPerRequest))
                    work.Add(new WorkItem(benchmark, logs[b], q, chunk));
            }
        }

        var clock = Stopwatch.StartNew();
        int consecutiveFailures = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentRequests, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(work, parallel, async (item, ct) =>
        {
            var question = item.Benchmark.Questions[item.QuestionOrdinal];
            var request = new CompletionRequest(
                _options.BuildMessages(question.Question), item.SampleIndices.Length, _options.Sampling with { Seed = RequestSeed(item) });
            var completions = await _backend.CompleteAsync(request, ct).ConfigureAwait(false);
            if (completions.Count != item.SampleIndices.Length)
                throw new InvalidOperationException($"backend {_backend.Description} returned {completions.Count} samples for a request of {item.SampleIndices.Length}");
            for (int j = 0; j < completions.Count; j++)
            {
                var record = Judge(item.Benchmark.Judge, question, item.SampleIndices[j], completions[j]);
                await item.Log.AppendAsync(record, ct).ConfigureAwait(false);
                progress?.Report(tally.Add(item.Benchmark.Definition.Name, record, clock.Elapsed));
            }
            // A server that is down fails every request after its full retry budget; stop (with the failures recorded)
            // instead of spending hours on it.
            if (completions.All(c => c.Text is null))
            {
                if (Interlocked.Increment(ref consecutiveFailures) >= _options.MaxConsecutiveFailedRequests)
                    throw new InvalidOperationException(
                        $"{_options.MaxConsecutiveFailedRequests} requests in a row failed (last: {completions[0].Error}); stopped. Finished samples are kept: rerun to resume");
            }
            else Interlocked.Exchange(ref consecutiveFailures, 0);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// A seed per request derived from the user's seed, the question and the first sample index, so that requests
    /// differ from each other (a shared seed would give every request of a question the same samples) yet a
    /// rerun asks for exactly what the first run asked for.
    /// </summary>
    private long? RequestSeed(WorkItem item) =>
        _options.Sampling.Seed is { } seed
            ? unchecked(seed * 1_000_003L + item.QuestionOrdinal * 65_537L + item.SampleIndices[0]) & 0x7FFF_FFFF
            : null;

    private static SampleRecord Judge(IAnswerJudge judge, BenchmarkQuestion question, int sampleIndex, Completion completion)
    {
        if (completion.Text is null)
            return new SampleRecord(question.Id, sampleIndex, null, null, false, null, false, completion.FinishReason,
                completion.Error ?? "backend returned no text");
        AnswerJudgement verdict;
        try
        {
            verdict = judge.Judge(question.Gold, completion.Text);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A verifier bug on one strange response must not stop the run; the sample is kept as wrong with the reason.
            verdict = new AnswerJudgement(false, null, $"judge failed: {e.GetType().Name}: {e.Message}");
        }
        return new SampleRecord(question.Id, sampleIndex, completion.Text, verdict.Extracted, verdict.Correct,
            completion.CompletionTokens, completion.TokensEstimated, completion.FinishReason, verdict.Error, completion.ToolCalls, completion.ToolFailures);
    }

    private async Task<EvaluationSummary> SummarizeAsync(
        List<LoadedBenchmark> loaded, List<SampleLog> logs, string outputDirectory, CancellationToken cancellationToken)
    {
        var perBenchmark = new List<BenchmarkMetrics>();
        var pooled = new List<IReadOnlyList<SampleRecord>>();
        for (int b = 0; b < loaded.Count; b++)
        {
            var benchmark = loaded[b];
            var byKey = logs[b].Records.ToDictionary(r => (r.QuestionId, r.SampleIndex));
            // Only the k samples of the questions asked for count, even if an earlier run with a larger k left more.
            var questions = benchmark.Questions
                .Select(q => (IReadOnlyList<SampleRecord>)Enumerable.Range(0, benchmark.Definition.Samples)
                    .Select(i => byKey[(q.Id, i)]).ToList())
                .ToList();
            perBenchmark.Add(MetricsCalculator.Compute(benchmark.Definition.Name, questions, benchmark.Judge.AreEquivalent));
            pooled.AddRange(questions);
        }
        // Equivalence does not depend on the benchmark (only extraction does), so any judge can group the pooled answers.
        var overall = MetricsCalculator.Compute("overall", pooled, loaded[0].Judge.AreEquivalent);
        var summary = new EvaluationSummary(_backend.Description, _options.Sampling, _options.PromptSuffix, perBenchmark, overall, DateTimeOffset.UtcNow);
        await SummaryWriter.WriteAsync(outputDirectory, summary, cancellationToken).ConfigureAwait(false);
        PassAtKChart.Write(Path.Combine(outputDirectory, PassAtKChart.FileName), perBenchmark);
        return summary;
    }

    private sealed record LoadedBenchmark(BenchmarkDefinition Definition, IReadOnlyList<BenchmarkQuestion> Questions, IAnswerJudge Judge);

    private sealed record WorkItem(LoadedBenchmark Benchmark, SampleLog Log, int QuestionOrdinal, int[] SampleIndices);

    /// <summary>Counts shared by the concurrent workers; snapshots are taken under its lock.</summary>
    private sealed class ProgressTally
    {
        public int Total;
        public int Done;
        public int Correct;
        private int _failed;
        private int _doneThisRun;

        public EvaluationProgress Add(string benchmark, SampleRecord record, TimeSpan elapsed)
        {
            lock (this)
            {
                _doneThisRun++;
                if (record.Failed) _failed++;
                else
                {
                    Done++;
                    if (record.Correct) Correct++;
                }
                return new EvaluationProgress(benchmark, Done, Total, Correct, _failed, _doneThisRun, elapsed);
            }
        }
    }
}
