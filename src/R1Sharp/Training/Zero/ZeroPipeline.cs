using System.Diagnostics;
using System.Text.Json;
using R1Sharp.Distributed;
using R1Sharp.IO;
using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.DataParallel;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Reports;
using static TorchSharp.torch;

namespace R1Sharp.Training.Zero;

/// <summary>
/// <c>r1 zero</c> end to end: base model → brief pre-training on the imperfect corpus → held-out evaluation →
/// R1-Zero GRPO (template, format + accuracy rewards) → evaluation → summary.json and report.html.
/// Resumable: the base model and its evaluation are kept in <c>base/</c>, RL resumes from its checkpoints.
/// </summary>
public static class ZeroPipeline
{
    /// <summary>File name of the summary.</summary>
    public const string SummaryFileName = "summary.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Runs (or resumes) the pipeline.</summary>
    public static async Task<ZeroSummary> RunAsync(ZeroOptions options, bool resume, IProgress<ZeroProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        string output = options.OutputDirectory;
        // Under mpirun/srun every rank runs this (issue 17): rank 0 alone writes the run folder; the RL stage is data-parallel.
        var ranks = CollectiveBackends.Create(options.Grpo.DistributedBackend);
        bool writer = ranks.Rank == 0;
        using var runLock = writer ? RunDirectoryLock.Acquire(output) : null;
        TorchThreads.Set(options.Threads);
        var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        RankAgreement.ThrowIfSettingsDiffer(ranks, ZeroOptionsFile.Settings(options));

        // A resumed run must be the same run: its stored base evaluation and curve were made under these settings.
        if (writer && resume && await ZeroOptionsFile.LoadAsync(output, cancellationToken).ConfigureAwait(false) is { } earlier)
            RunSettings.ThrowIfChanged(Path.Combine(output, ZeroOptionsFile.FileName), ZeroOptionsFile.Settings(earlier), ZeroOptionsFile.Settings(options));
        if (writer) await ZeroOptionsFile.SaveAsync(options, output, cancellationToken).ConfigureAwait(false);
        var suite = options.CreateSuite();
        // The run's data (held-out split, corpus) is on disk before anything trains on it; RL prompts follow RL.
        var dataClock = Stopwatch.StartNew();
        if (writer) ZeroRunData.WriteBeforeTraining(output, suite, options.Noise, (long)options.Pretrain.Steps * options.Pretrain.BatchSize, keepExisting: resume, cancellationToken);
        dataClock.Stop();
        var tokenizer = new TaskTokenizer();
        var config = BuiltInModel.Config(options.Model, tokenizer);
        var device = Models.DeviceSelection.Parse(options.Grpo.Device);
        using var policy = CausalLanguageModel.Create(config, device, ScalarType.Float32, options.Seed);
        var evaluator = new TaskEvaluator(suite, tokenizer, options.EvalSamples, options.Grpo.MaxCompletionLength, options.EvalTemperature, options.EvalTopP);

        // Stage 1: the base model (or its stored copy).
        string baseDir = Path.Combine(output, "base");
        var baseWeights = BuiltInModel.Checkpoint(policy, tokenizer);
        ZeroBaseRecord baseRecord;
        string baseRecordPath = Path.Combine(baseDir, "base.json");
        if (!writer)
            baseRecord = await SharedBaseAsync(ranks, baseWeights, baseRecordPath, cancellationToken).ConfigureAwait(false);
        else
        {
            baseRecord = resume && File.Exists(baseRecordPath)
                ? await LoadBaseAsync(baseWeights, baseRecordPath, cancellationToken).ConfigureAwait(false)
                : await BuildBaseAsync(options, suite, tokenizer, policy, evaluator, baseWeights, baseDir, resume, progress, cancellationToken).ConfigureAwait(false);
            if (ranks.Size > 1) ranks.Barrier(); // base/ is written: the other ranks load it
        }

        // Stage 2: R1-Zero.
        var light = new TaskEvaluator(suite, tokenizer, options.IntermediateEvalSamples, options.Grpo.MaxCompletionLength, options.EvalTemperature, options.EvalTopP);
        GrpoEvaluation evaluate = (step, ct) =>
        {
            var r = light.Evaluate(policy, options.Seed + 17, ct);
            policy.train();
            var values = new Dictionary<string, double> { ["pass1"] = r.Pass1, ["greedy"] = r.Greedy, ["mean_length"] = r.MeanLength, ["reflection_rate"] = r.ReflectionRate };
            foreach (var (family, v) in r.Pass1ByFamily) values[$"pass1/{family}"] = v;
            return Task.FromResult<IReadOnlyDictionary<string, double>>(values);
        };
        var run = await ZeroGrpoRun.RunAsync(policy, config, baseDir, suite, tokenizer, options.Grpo, output, resume, evaluate,
            new SynchronousProgress<GrpoProgress>(p => progress?.Report(new ZeroProgress("rl", p.Step, p.MaxSteps, p.Metrics, p.Eta))), cancellationToken, ranks).ConfigureAwait(false);
        if (!writer) return await SharedSummaryAsync(ranks, output, cancellationToken).ConfigureAwait(false);

        dataClock.Start();
        ZeroRunData.WriteRlPrompts(output, suite, run.PromptsDrawn, cancellationToken);
        dataClock.Stop();

        // Stage 3: the same evaluation after RL.
        progress?.Report(new ZeroProgress("eval_after", 0, 1, new Dictionary<string, double>(), TimeSpan.Zero));
        var evalClock = Stopwatch.StartNew();
        var after = evaluator.Evaluate(policy, options.Seed + 99, cancellationToken);
        double evalAfterSeconds = evalClock.Elapsed.TotalSeconds;

        var before = baseRecord.Before;
        var phases = new Dictionary<string, double>
        {
            ["pretrain"] = baseRecord.PretrainSeconds,
            ["eval_before"] = baseRecord.EvalBeforeSeconds,
            ["rl"] = run.Seconds,
            ["eval_after"] = evalAfterSeconds,
            ["data"] = dataClock.Elapsed.TotalSeconds, // writing data/ (this process only: a resume keeps the files it finds)
        };
        var summary = new ZeroSummary
        {
            Pass1Before = before.Pass1,
            Pass1After = after.Pass1,
            GreedyBefore = before.Greedy,
            GreedyAfter = after.Greedy,
            FormatBefore = before.Format,
            FormatAfter = after.Format,
            MeanLengthBefore = before.MeanLength,
            MeanLengthAfter = after.MeanLength,
            ReflectionRateBefore = before.ReflectionRate,
            ReflectionRateAfter = after.ReflectionRate,
            Steps = run.Steps,
            Seconds = phases.Values.Sum(),
            CpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds,
            PhaseSeconds = phases,
            Parameters = policy.ParameterCount,
            Tasks = before.Pass1ByFamily.Keys.ToDictionary(f => f, f => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
            {
                ["pass1_before"] = before.Pass1ByFamily[f],
                ["pass1_after"] = after.Pass1ByFamily[f],
                ["greedy_before"] = before.GreedyByFamily[f],
                ["greedy_after"] = after.GreedyByFamily[f],
            }),
            Baselines = TaskBaselines.Of(suite, before, options.EvalSamples),
            Seed = options.Seed,
            HeldOutPerFamily = options.HeldOutPerFamily,
            EvalSamples = options.EvalSamples,
            IntermediateEvalSamples = options.IntermediateEvalSamples,
        };
        await AtomicFile.WriteAllTextAsync(Path.Combine(output, SummaryFileName), JsonSerializer.Serialize(summary, Json), cancellationToken).ConfigureAwait(false);
        await ZeroReport.WriteAsync(output, summary, before, after, cancellationToken).ConfigureAwait(false);
        progress?.Report(new ZeroProgress("done", 1, 1, new Dictionary<string, double>(), TimeSpan.Zero));
        if (ranks.Size > 1) ranks.Barrier(); // summary.json is written: the other ranks return it
        return summary;
    }

    private static async Task<ZeroBaseRecord> LoadBaseAsync(HuggingFacePolicyCheckpoint weights, string recordPath, CancellationToken cancellationToken)
    {
        weights.Load(Path.GetDirectoryName(recordPath)!);
        return JsonSerializer.Deserialize<ZeroBaseRecord>(await File.ReadAllTextAsync(recordPath, cancellationToken).ConfigureAwait(false), Json)
            ?? throw new InvalidDataException($"{recordPath}: empty.");
    }

    // issue 17: rank 0 alone pre-trains and evaluates the base model (the other ranks would repeat the same work bit
    // for bit, on the same cores); the others wait, then load base/ from the shared run folder, as a resume does.
    private static async Task<ZeroBaseRecord> SharedBaseAsync(ICollectiveBackend ranks, HuggingFacePolicyCheckpoint weights, string recordPath, CancellationToken cancellationToken)
    {
        ranks.Barrier();
        return await LoadBaseAsync(weights, recordPath, cancellationToken).ConfigureAwait(false);
    }

    // issue 17: after RL rank 0 alone evaluates and writes summary.json; the other ranks return what it wrote.
    private static async Task<ZeroSummary> SharedSummaryAsync(ICollectiveBackend ranks, string output, CancellationToken cancellationToken)
    {
        ranks.Barrier();
        string path = Path.Combine(output, SummaryFileName);
        return JsonSerializer.Deserialize<ZeroSummary>(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), Json)
            ?? throw new InvalidDataException($"{path}: empty.");
    }

    private static async Task<ZeroBaseRecord> BuildBaseAsync(ZeroOptions options, TaskSuite suite, TaskTokenizer tokenizer, CausalLanguageModel policy,
        TaskEvaluator evaluator, HuggingFacePolicyCheckpoint weights, string baseDir, bool resume, IProgress<ZeroProgress>? progress, CancellationToken cancellationToken)
    {
        // Pre-training keeps its own resumable checkpoints (in pretrain/, removed once base/ exists): it is the longest phase.
        string pretrainDir = Path.Combine(options.OutputDirectory, "pretrain");
        if (!resume && Directory.Exists(pretrainDir)) Directory.Delete(pretrainDir, recursive: true);
        var checkpoints = new PretrainCheckpoints(new CheckpointStore<TrainerState>(pretrainDir), weights, options.Seed);
        var losses = new MovingLossProgress("pretrain", options.Pretrain.Steps, progress);
        // Pre-training has its own thread count (ZeroOptions.PretrainThreads says why); RL gets the run's back.
        int runThreads = get_num_threads();
        TorchThreads.Set(options.PretrainThreads > 0 ? options.PretrainThreads : runThreads);
        double pretrainSeconds;
        try
        {
            pretrainSeconds = await new BasePretrainer(suite, tokenizer, options.Noise).TrainAsync(policy, options.Pretrain, losses, checkpoints, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TorchThreads.Set(runThreads);
        }

        progress?.Report(new ZeroProgress("eval_before", 0, 1, new Dictionary<string, double>(), TimeSpan.Zero));
        var clock = Stopwatch.StartNew();
        var before = evaluator.Evaluate(policy, options.Seed + 99, cancellationToken);
        var record = new ZeroBaseRecord(before, pretrainSeconds, clock.Elapsed.TotalSeconds, losses.MeanLoss);

        // Same crash safety as checkpoints: written whole through an in-progress directory, then renamed.
        await AtomicDirectory.WriteAsync(baseDir, async temp =>
        {
            await weights.SaveAsync(temp, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(temp, "base.json"), JsonSerializer.Serialize(record, Json), cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        Directory.Delete(pretrainDir, recursive: true);
        return record;
    }
}
