using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using R1Sharp.IO;
using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Metrics;
using static TorchSharp.torch;

namespace R1Sharp.Training.Zero.Tools;

/// <summary>
/// <c>r1 zero --tools</c> end to end: pre-train a base model on <see cref="ZeroToolCorpus"/> → evaluate it with and
/// without the tool → GRPO with the tool (<c>rl-tools/</c>) → evaluate with the tool → the same base, GRPO without the
/// tool for the same steps (<c>rl-no-tools/</c>) → evaluate without → summary.json and report.html. Not resumable:
/// the whole run is a few minutes.
/// </summary>
public static class ZeroToolPipeline
{
    /// <summary>File name of the summary.</summary>
    public const string SummaryFileName = "summary.json";

    /// <summary>Folder of the run with the tool (metrics.jsonl, checkpoints).</summary>
    public const string ToolsRunDirectory = "rl-tools";

    /// <summary>Folder of the run without the tool.</summary>
    public const string NoToolsRunDirectory = "rl-no-tools";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Runs the pipeline into <see cref="ZeroToolOptions.OutputDirectory"/>.</summary>
    public static async Task<ZeroToolSummary> RunAsync(ZeroToolOptions options, IProgress<ZeroProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        string output = options.OutputDirectory;
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
            throw new IOException($"{output} is not empty: r1 zero --tools starts a fresh run; choose another --output");
        using var runLock = RunDirectoryLock.Acquire(output);
        int threads = options.Threads > 0 ? options.Threads : Math.Max(1, Environment.ProcessorCount);
        TorchThreads.Set(threads);
        var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var load = new Dictionary<string, double>();
        if (LoadAverage() is double startLoad) load["start"] = startLoad;
        var phases = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();

        var suite = options.CreateSuite();
        var tokenizer = ZeroToolCalls.CreateTokenizer();
        var config = BuiltInModel.Config(options.Model, tokenizer);
        var device = DeviceSelection.Parse(options.Grpo.Device);
        using var policy = CausalLanguageModel.Create(config, device, ScalarType.Float32, options.Seed);
        using var toolBox = await ZeroToolBox.CreateAsync(options, tokenizer, cancellationToken).ConfigureAwait(false);
        var tools = toolBox.Rollouts;
        var evaluator = new ToolTaskEvaluator(suite, tokenizer, options.EvalSamples, options.Grpo.MaxCompletionLength, options.EvalTemperature, options.EvalTopP);
        async Task<T> Timed<T>(string phase, Func<Task<T>> work)
        {
            var watch = Stopwatch.StartNew();
            var result = await work().ConfigureAwait(false);
            phases[phase] = watch.Elapsed.TotalSeconds;
            return result;
        }

        // The base model.
        string baseDir = Path.Combine(output, "base");
        var weights = BuiltInModel.Checkpoint(policy, tokenizer);
        var losses = new MovingLossProgress("pretrain", options.Pretrain.Steps, progress);
        var pretrainer = new BasePretrainer(tokenizer, index => ZeroToolCorpus.Document(suite, index, options.Corpus, options.Tool));
        phases["pretrain"] = await pretrainer.TrainAsync(policy, options.Pretrain, losses, checkpoints: null, cancellationToken).ConfigureAwait(false);
        await AtomicDirectory.WriteAsync(baseDir, temp => weights.SaveAsync(temp, cancellationToken), cancellationToken).ConfigureAwait(false);

        progress?.Report(new ZeroProgress("eval_before", 0, 1, new Dictionary<string, double>(), TimeSpan.Zero));
        var (before, beforeNoTools) = await Timed("eval_before", async () =>
            (await evaluator.EvaluateAsync(policy, tools, options.Seed + 99, cancellationToken).ConfigureAwait(false),
             await evaluator.EvaluateAsync(policy, null, options.Seed + 99, cancellationToken).ConfigureAwait(false))).ConfigureAwait(false);

        // GRPO with the tool, then from the same base without it, for the same steps.
        var light = new ToolTaskEvaluator(suite, tokenizer, 1, options.Grpo.MaxCompletionLength, options.EvalTemperature, options.EvalTopP);
        GrpoEvaluation Evaluate(bool withTools) => async (step, ct) =>
        {
            var r = await light.EvaluateAsync(policy, withTools ? tools : null, options.Seed + 17, ct).ConfigureAwait(false);
            policy.train();
            return new Dictionary<string, double> { ["pass1"] = r.Pass1, ["tool_call_rate"] = r.ToolCallRate };
        };
        IProgress<GrpoProgress> Rl(string phase) => new SynchronousProgress<GrpoProgress>(p => progress?.Report(new ZeroProgress(phase, p.Step, p.MaxSteps, p.Metrics, p.Eta)));
        string toolsDir = Path.Combine(output, ToolsRunDirectory), noToolsDir = Path.Combine(output, NoToolsRunDirectory);
        var run = await Timed("rl_tools", () => ZeroGrpoRun.RunAsync(policy, config, baseDir, suite, tokenizer, options.Grpo, toolsDir, resume: false,
            Evaluate(true), Rl("rl"), cancellationToken, tools: tools)).ConfigureAwait(false);
        progress?.Report(new ZeroProgress("eval_after", 0, 1, new Dictionary<string, double>(), TimeSpan.Zero));
        var after = await Timed("eval_after", () => evaluator.EvaluateAsync(policy, tools, options.Seed + 99, cancellationToken)).ConfigureAwait(false);

        weights.Load(baseDir);
        await Timed("rl_no_tools", () => ZeroGrpoRun.RunAsync(policy, config, baseDir, suite, tokenizer, options.Grpo, noToolsDir, resume: false,
            Evaluate(false), Rl("rl_no_tools"), cancellationToken)).ConfigureAwait(false);
        progress?.Report(new ZeroProgress("eval_no_tools_after", 0, 1, new Dictionary<string, double>(), TimeSpan.Zero));
        var afterNoTools = await Timed("eval_no_tools_after", () => evaluator.EvaluateAsync(policy, null, options.Seed + 99, cancellationToken)).ConfigureAwait(false);

        if (LoadAverage() is double endLoad) load["end"] = endLoad;
        var summary = new ZeroToolSummary
        {
            Pass1Before = before.Pass1,
            Pass1BeforeNoTools = beforeNoTools.Pass1,
            Pass1After = after.Pass1,
            Pass1NoToolsAfter = afterNoTools.Pass1,
            ToolCallRateBefore = before.ToolCallRate,
            ToolCallRateAfter = after.ToolCallRate,
            ToolCallRateNoToolsAfter = afterNoTools.ToolCallRate,
            ToolFailureRateAfter = after.ToolFailureRate,
            Format = new Dictionary<string, double> { ["before"] = before.Format, ["after"] = after.Format, ["no_tools_after"] = afterNoTools.Format },
            MeanLength = new Dictionary<string, double> { ["before"] = before.MeanLength, ["after"] = after.MeanLength, ["no_tools_after"] = afterNoTools.MeanLength },
            ToolCallRateOverTraining = CallRates(toolsDir),
            Steps = run.Steps,
            Seconds = clock.Elapsed.TotalSeconds,
            CpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds,
            PhaseSeconds = phases,
            LoadAverage = load,
            Threads = threads,
            Tool = options.Tool.ToString().ToLowerInvariant(),
            Parameters = policy.ParameterCount,
            Seed = options.Seed,
            HeldOut = options.HeldOut,
            EvalSamples = options.EvalSamples,
        };
        await AtomicFile.WriteAllTextAsync(Path.Combine(output, SummaryFileName), JsonSerializer.Serialize(summary, Json), cancellationToken).ConfigureAwait(false);
        await ZeroToolReport.WriteAsync(output, summary, before, after, afterNoTools, cancellationToken).ConfigureAwait(false);
        progress?.Report(new ZeroProgress("done", 1, 1, new Dictionary<string, double>(), TimeSpan.Zero));
        return summary;
    }

    /// <summary><c>tools/call_rate</c> of every step logged in the run's metrics.jsonl.</summary>
    public static IReadOnlyList<double> CallRates(string runDirectory)
    {
        string path = Path.Combine(runDirectory, MetricsLog.JsonlFileName);
        return File.Exists(path)
            ? [.. MetricsLog.ReadJsonl(path).Where(s => s.Values.ContainsKey("tools/call_rate")).Select(s => s.Values["tools/call_rate"])]
            : [];
    }

    private static double? LoadAverage()
    {
        const string path = "/proc/loadavg";
        if (!File.Exists(path)) return null;
        string first = File.ReadAllText(path).Split(' ')[0];
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;
    }
}
