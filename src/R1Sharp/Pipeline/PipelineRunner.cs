using System.Diagnostics;
using System.Text.Json;
using R1Sharp.Evaluation.Metrics;
using R1Sharp.IO;
using R1Sharp.Models;
using R1Sharp.RewardModels;
using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;
using R1Sharp.Tasks;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Zero;
using static TorchSharp.torch;

namespace R1Sharp.Pipeline;

/// <summary>
/// <c>r1 pipeline</c>: DeepSeek-R1's four stages (RECIPE §3 and §5) on the built-in world, from a base model it
/// pre-trains itself: base → cold_start (SFT on long readable chains of thought with a summary) → reasoning_rl (GRPO,
/// accuracy + format + language consistency) → rejection_sft (the stage-2 model's correct, readable, non-mixed answers
/// plus chat data judged by the reward model; fine-tunes the <b>cold-start</b> checkpoint) → all_scenario_rl (rule
/// rewards on reasoning prompts, the reward model on chat prompts). Every stage is evaluated the same way; the reward
/// model is trained on the base model before any evaluation. Each stage keeps its checkpoints, model and stage.json in
/// DIR/&lt;stage&gt;/, so <c>--resume</c> continues at the stage and step where a run stopped.
/// </summary>
public static class PipelineRunner
{
    /// <summary>File name of the summary.</summary>
    public const string SummaryFileName = "summary.json";

    /// <summary>Runs (or, with <paramref name="resume"/>, continues) the pipeline.</summary>
    /// <exception cref="IOException">Without <paramref name="resume"/>, the output directory already holds a pipeline stage.</exception>
    /// <exception cref="R1Sharp.Training.Configuration.ConfigurationException">With <paramref name="resume"/>, settings that differ from the run's recorded ones (<see cref="PipelineSettings"/>).</exception>
    public static async Task<PipelineSummary> RunAsync(PipelineOptions options, bool resume, IProgress<ZeroProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        string output = options.OutputDirectory;
        if (!resume && PipelineStages.Order.Append(PipelineStages.RewardModel).Any(s => Directory.Exists(Path.Combine(output, s))))
            throw new IOException($"{output}: holds an earlier pipeline run; pass --resume to continue it, or choose another --output");
        Directory.CreateDirectory(output);
        using var runLock = RunDirectoryLock.Acquire(output);
        await PipelineSettings.RecordOrCheckAsync(options, resume, cancellationToken).ConfigureAwait(false);
        TorchThreads.Set(options.Threads);
        var clock = Stopwatch.StartNew();
        var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var world = options.CreateWorld();
        var run = new PipelineRun(options, world, new TaskTokenizer(), resume, progress, cancellationToken);
        var records = new Dictionary<string, StageRecord>(StringComparer.Ordinal);

        // The base model first (its evaluation needs the reward model, which is trained on it).
        bool baseDone = run.Finished(PipelineStages.Base) is not null;
        double baseSeconds = 0;
        if (baseDone) run.Report(PipelineStages.Base, 1, 1, new Dictionary<string, double> { ["kept"] = 1 });
        else if (!Directory.Exists(run.ModelDirectory(PipelineStages.Base)))
        {
            using var model = CausalLanguageModel.Create(run.Config, run.Device, ScalarType.Float32, options.Seed);
            (baseSeconds, _) = await run.TrainOnDocumentsAsync(PipelineStages.Base, model, world.CorpusDocument, options.Pretrain).ConfigureAwait(false);
            await AtomicDirectory.WriteAsync(run.ModelDirectory(PipelineStages.Base),
                dir => R1Sharp.Training.Zero.BuiltInModel.Checkpoint(model, run.Tokenizer).SaveAsync(dir, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        var (rewardModel, rmAccuracy) = await RewardModelStage.TrainOrLoadAsync(run).ConfigureAwait(false);
        using var rmOwner = rewardModel;
        var evaluator = new PipelineEvaluator(world, run.Tokenizer, rewardModel, options.EvalSamples, options.ReasoningRl.MaxCompletionLength, options.ChatEvalSamples);
        records[PipelineStages.Base] = run.Finished(PipelineStages.Base) ?? await EvaluateBaseAsync(run, evaluator, baseSeconds, rmAccuracy).ConfigureAwait(false);

        // Stage 1: cold start.
        records[PipelineStages.ColdStart] = await run.StageAsync(PipelineStages.ColdStart, async model =>
        {
            var examples = Enumerable.Range(0, options.ColdStartExamples).Select(i => world.ColdStartExample(i)).ToList();
            var (seconds, steps) = await run.FineTuneAsync(PipelineStages.ColdStart, model, examples, options.ColdStartSft).ConfigureAwait(false);
            return (seconds, new Dictionary<string, double> { ["examples"] = examples.Count, ["steps"] = steps });
        }, evaluator).ConfigureAwait(false);

        // Stage 2's ablation (the same RL without the language reward) needs nothing the later stages make. With one
        // torch thread it runs beside stages 2-4 on the other core: its own run object, cancelled if they fail, and
        // its own copy of the reward model, so the two never share a module. Both are seeded, so the figures are
        // those of running one after the other.
        using var ablationCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<StageRecord>? ablation = options.LanguageAblation && RunsAblationBeside(options)
            ? Task.Run(() => AblationBesideAsync(options, world, resume, progress, ablationCancel.Token), ablationCancel.Token)
            : null;
        StageRecord? withoutLanguage = null;
        try
        {
            // Stage 2: reasoning RL, and (ablation, when not running beside) the same without the language reward.
            records[PipelineStages.ReasoningRl] = await ReasoningRlAsync(run, PipelineStages.ReasoningRl, options.ReasoningRl, evaluator).ConfigureAwait(false);
            if (options.LanguageAblation && ablation is null)
                withoutLanguage = await ReasoningRlAsync(run, PipelineStages.ReasoningRlWithoutLanguage, WithoutLanguage(options.ReasoningRl), evaluator).ConfigureAwait(false);
            await LaterStagesAsync(run, records, rewardModel, evaluator).ConfigureAwait(false);
        }
        catch
        {
            await ablationCancel.CancelAsync().ConfigureAwait(false);
            if (ablation is not null) await Task.WhenAny(ablation).ConfigureAwait(false);
            throw;
        }
        if (ablation is not null) withoutLanguage = await ablation.ConfigureAwait(false);

        var summary = PipelineSummaries.Build(options, records, withoutLanguage, clock.Elapsed.TotalSeconds,
            (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds);
        await AtomicFile.WriteAllTextAsync(Path.Combine(output, SummaryFileName), JsonSerializer.Serialize(summary, PipelineRun.Json), cancellationToken).ConfigureAwait(false);
        await PipelineReport.WriteAsync(output, summary, records, cancellationToken).ConfigureAwait(false);
        run.Report("done", 1, 1);
        return summary;
    }

    /// <summary>
    /// Whether the language ablation runs beside the main stages (<see cref="PipelineOptions.AblationBeside"/>): with one
    /// torch thread (the default command's <c>--threads 1</c>) on a machine with a second core. With more threads the
    /// stages already use every core.
    /// </summary>
    internal static bool RunsAblationBeside(PipelineOptions options) => options.AblationBeside && options.Threads == 1 && Environment.ProcessorCount >= 2;

    private static GrpoOptions WithoutLanguage(GrpoOptions grpo) =>
        grpo with { RewardWeights = grpo.RewardWeights.Where(w => w.Key != "language").ToDictionary(w => w.Key, w => w.Value) };

    private static async Task<StageRecord> AblationBesideAsync(PipelineOptions options, PipelineWorld world, bool resume, IProgress<ZeroProgress>? progress, CancellationToken cancellationToken)
    {
        var run = new PipelineRun(options, world, new TaskTokenizer(), resume, progress, cancellationToken);
        using var rewardModel = RewardModelCheckpoint.Load(Path.Combine(run.StageDirectory(PipelineStages.RewardModel), "train", "final"), run.Device, ScalarType.Float32);
        var evaluator = new PipelineEvaluator(world, run.Tokenizer, rewardModel, options.EvalSamples, options.ReasoningRl.MaxCompletionLength, options.ChatEvalSamples);
        return await ReasoningRlAsync(run, PipelineStages.ReasoningRlWithoutLanguage, WithoutLanguage(options.ReasoningRl), evaluator).ConfigureAwait(false);
    }

    private static async Task LaterStagesAsync(PipelineRun run, Dictionary<string, StageRecord> records, RewardModel rewardModel, PipelineEvaluator evaluator)
    {
        var options = run.Options;
        var world = run.World;

        // Stage 3: rejection sampling of the stage-2 model + chat data, SFT of the cold-start checkpoint.
        records[PipelineStages.RejectionSft] = await run.StageAsync(PipelineStages.RejectionSft, async model =>
        {
            var (examples, counts) = await RejectionMixture.BuildOrLoadAsync(run, rewardModel).ConfigureAwait(false);
            var (seconds, steps) = await run.FineTuneAsync(PipelineStages.RejectionSft, model, [.. examples.Select(e => (e.Prompt, e.Completion))], options.RejectionSft).ConfigureAwait(false);
            counts["steps"] = steps;
            return (seconds, counts);
        }, evaluator).ConfigureAwait(false);

        // Stage 4: RL for all scenarios.
        records[PipelineStages.AllScenarioRl] = await run.StageAsync(PipelineStages.AllScenarioRl, async model =>
        {
            var rewardCopy = RewardModelCheckpoint.Load(Path.Combine(run.StageDirectory(PipelineStages.RewardModel), "train", "final"), run.Device, ScalarType.Float32);
            await using var rewards = Composer(world, options.AllScenarioRl.RewardWeights,
                new ChatOnlyReward(new RewardModelReward(rewardCopy, run.Tokenizer, new RewardModelRewardOptions { MaxLength = 256 })));
            var result = await run.ReinforceAsync(PipelineStages.AllScenarioRl, model, options.AllScenarioRl,
                new PipelinePromptSource(world, PipelineWorld.AllScenarioStream, options.ChatEvery), rewards).ConfigureAwait(false);
            return (result.Seconds, new Dictionary<string, double> { ["steps"] = result.Steps });
        }, evaluator).ConfigureAwait(false);
    }

    private static async Task<StageRecord> EvaluateBaseAsync(PipelineRun run, PipelineEvaluator evaluator, double seconds, double rmAccuracy)
    {
        using var model = ZeroGrpoRun.Load(run.Config, run.Device, run.Tokenizer, run.ModelDirectory(PipelineStages.Base));
        var rm = RewardModelStage.Record(run);
        var details = new Dictionary<string, double> { ["steps"] = run.Options.Pretrain.Steps, ["reward_model_accuracy"] = rmAccuracy, ["reward_model_pairs"] = rm["pairs"] };
        return await run.RecordAsync(PipelineStages.Base, null, model, seconds, details, evaluator).ConfigureAwait(false);
    }

    private static Task<StageRecord> ReasoningRlAsync(PipelineRun run, string stage, GrpoOptions grpo, PipelineEvaluator evaluator) =>
        run.StageAsync(stage, async model =>
        {
            await using var rewards = Composer(run.World, grpo.RewardWeights, chatReward: null);
            var result = await run.ReinforceAsync(stage, model, grpo, new PipelinePromptSource(run.World, TaskPromptSource.Stream, chatEvery: 0), rewards).ConfigureAwait(false);
            return (result.Seconds, new Dictionary<string, double> { ["steps"] = result.Steps });
        }, evaluator);

    /// <summary>
    /// The rewards of a pipeline RL stage, weighted by <paramref name="weights"/>: accuracy (task checkers) and format
    /// (reasoning, summary, answer) on reasoning rows, language consistency when weighted, the chat reward when given.
    /// A reward that <paramref name="weights"/> does not name is left out.
    /// </summary>
    public static RewardComposer Composer(PipelineWorld world, IReadOnlyDictionary<string, double> weights, IBatchRewardFunction? chatReward)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(weights);
        var all = new List<IRewardFunction> { new ReasoningOnlyReward(new TaskAccuracyReward(world.Suite.Tasks)), new SummaryFormatReward(), new LinguaConsistencyReward() };
        if (chatReward is not null) all.Add(chatReward);
        var unknown = weights.Keys.Except(all.Select(r => r.Name)).ToList();
        if (unknown.Count > 0) throw new R1Sharp.Training.Configuration.ConfigurationException($"reward_weights: unknown reward(s) {string.Join(", ", unknown)} (known: {string.Join(", ", all.Select(r => r.Name))})");
        return new RewardComposer([.. all.Where(r => weights.ContainsKey(r.Name)).Select(r => new WeightedReward(r, weights[r.Name]))]);
    }
}
