using System.Text.Json;
using R1Sharp.Distillation.BuiltIn;
using R1Sharp.IO;
using R1Sharp.Models;
using R1Sharp.Rewards.Composition;
using R1Sharp.Tasks;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Rollouts;
using R1Sharp.Training.Zero;
using static TorchSharp.torch;

namespace R1Sharp.Pipeline;

/// <summary>
/// One run of the pipeline: where each stage keeps its files, how a stage's model is loaded, trained by SFT or GRPO,
/// saved and evaluated, and how a finished stage is found again on <c>--resume</c>.
/// </summary>
internal sealed class PipelineRun(PipelineOptions options, PipelineWorld world, TaskTokenizer tokenizer, bool resume,
    IProgress<ZeroProgress>? progress, CancellationToken cancellationToken)
{
    public const string ModelDirectoryName = "model";
    public const string RecordFileName = "stage.json";

    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public PipelineOptions Options => options;
    public PipelineWorld World => world;
    public TaskTokenizer Tokenizer => tokenizer;
    public CancellationToken Token => cancellationToken;
    public ModelConfig Config { get; } = BuiltInModel.Config(options.Model, tokenizer);
    public Device Device { get; } = DeviceSelection.Parse(options.ReasoningRl.Device);

    public string StageDirectory(string stage) => Path.Combine(options.OutputDirectory, stage);

    public string ModelDirectory(string stage) => Path.Combine(StageDirectory(stage), ModelDirectoryName);

    public void Report(string phase, int step, int total, IReadOnlyDictionary<string, double>? values = null, TimeSpan eta = default) =>
        progress?.Report(new ZeroProgress(phase, step, total, values ?? new Dictionary<string, double>(), eta));

    /// <summary>The stage's stored record when a resumed run finds one, else null.</summary>
    public StageRecord? Finished(string stage)
    {
        string path = Path.Combine(StageDirectory(stage), RecordFileName);
        if (!File.Exists(path) || !Directory.Exists(ModelDirectory(stage))) return null;
        return JsonSerializer.Deserialize<StageRecord>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty");
    }

    /// <summary>
    /// Runs a stage unless it is finished: a model loaded from the stage it starts from (<see cref="PipelineStages.StartsFrom"/>;
    /// random weights for the base), trained in place by <paramref name="train"/>, saved to DIR/stage/model, evaluated, recorded.
    /// </summary>
    public async Task<StageRecord> StageAsync(string stage, Func<CausalLanguageModel, Task<(double Seconds, Dictionary<string, double> Details)>> train,
        PipelineEvaluator? evaluator)
    {
        if (Finished(stage) is { } done)
        {
            Report(stage, 1, 1, new Dictionary<string, double> { ["kept"] = 1 });
            return done;
        }
        string? from = PipelineStages.StartsFrom(stage);
        using var model = from is null
            ? CausalLanguageModel.Create(Config, Device, ScalarType.Float32, options.Seed)
            : ZeroGrpoRun.Load(Config, Device, tokenizer, ModelDirectory(from));
        var (seconds, details) = await train(model).ConfigureAwait(false);
        await AtomicDirectory.WriteAsync(ModelDirectory(stage), dir => BuiltInModel.Checkpoint(model, tokenizer).SaveAsync(dir, cancellationToken), cancellationToken).ConfigureAwait(false);
        return await RecordAsync(stage, from, model, seconds, details, evaluator).ConfigureAwait(false);
    }

    /// <summary>Evaluates a trained model and writes its stage.json (the mark that the stage is finished).</summary>
    public async Task<StageRecord> RecordAsync(string stage, string? from, CausalLanguageModel model, double seconds, Dictionary<string, double> details, PipelineEvaluator? evaluator)
    {
        if (evaluator is null) throw new InvalidOperationException($"{stage}: no evaluator");
        Report(stage + " eval", 0, 1);
        var evaluation = evaluator.Evaluate(model, options.Seed + 99, cancellationToken);
        var record = new StageRecord(stage, from, seconds, evaluation, details);
        await AtomicFile.WriteAllTextAsync(Path.Combine(StageDirectory(stage), RecordFileName), JsonSerializer.Serialize(record, Json), cancellationToken).ConfigureAwait(false);
        Report(stage + " eval", 1, 1, new Dictionary<string, double> { ["pass1"] = evaluation.Pass1, ["language_consistency"] = evaluation.LanguageConsistency, ["rm_score"] = evaluation.RmScore });
        return record;
    }

    /// <summary>
    /// Next-token training of <paramref name="model"/> on documents, resumable step by step from DIR/stage/checkpoints
    /// (<see cref="BasePretrainer"/>: batches are functions of the step, so a resumed run sees the same documents).
    /// </summary>
    public async Task<(double Seconds, int Steps)> TrainOnDocumentsAsync(string stage, CausalLanguageModel model, Func<long, (string, string)> documents, PretrainOptions training)
    {
        var checkpoints = new PretrainCheckpoints(new CheckpointStore<TrainerState>(Path.Combine(StageDirectory(stage), "checkpoints")),
            BuiltInModel.Checkpoint(model, tokenizer), options.Seed);
        var losses = new MovingLossProgress(stage, training.Steps, progress);
        double seconds = await new BasePretrainer(tokenizer, documents).TrainAsync(model, training, losses, checkpoints, cancellationToken).ConfigureAwait(false);
        return (seconds, training.Steps);
    }

    /// <summary>SFT on a finite set of (prompt, completion) examples: each epoch in its own shuffled order.</summary>
    public Task<(double Seconds, int Steps)> FineTuneAsync(string stage, CausalLanguageModel model, IReadOnlyList<(string Prompt, string Completion)> examples, StudentSftOptions sft)
    {
        if (examples.Count == 0) throw new InvalidOperationException($"{stage}: no examples to fine-tune on");
        int count = examples.Count;
        var orders = new Dictionary<long, int[]>();
        (string, string) Document(long index)
        {
            long epoch = index / count;
            if (!orders.TryGetValue(epoch, out var order))
            {
                order = [.. Enumerable.Range(0, count)];
                new Random((int)StableSeed.Derive(options.Seed, epoch, 0x5F7)).Shuffle(order);
                orders[epoch] = order;
            }
            return examples[order[index % count]];
        }
        int steps = Math.Max(1, (int)Math.Ceiling((double)sft.Epochs * count / sft.BatchSize));
        var training = new PretrainOptions(steps, sft.BatchSize, sft.LearningRate, Math.Min(sft.WarmupSteps, steps / 2), SaveSteps: 10, Workers: options.Pretrain.Workers);
        return TrainOnDocumentsAsync(stage, model, Document, training);
    }

    /// <summary>GRPO of <paramref name="policy"/> in DIR/stage/grpo (resumed from its newest checkpoint); the reference is the starting model.</summary>
    public async Task<GrpoRunResult> ReinforceAsync(string stage, CausalLanguageModel policy, GrpoOptions grpo, IPromptSource prompts, RewardComposer rewards)
    {
        string from = PipelineStages.StartsFrom(stage) ?? throw new InvalidOperationException($"{stage} has no starting model");
        using var reference = ReferencePolicy.CreateFrozen(grpo.Beta, () => ZeroGrpoRun.Load(Config, Device, tokenizer, ModelDirectory(from)));
        var trainer = new GrpoTrainer(policy, reference, tokenizer, new InProcessRolloutEngine(policy), rewards, prompts,
            grpo with { Seed = options.Seed }, BuiltInModel.Checkpoint(policy, tokenizer), Path.Combine(StageDirectory(stage), "grpo"));
        var report = new SynchronousProgress<GrpoProgress>(p => progress?.Report(new ZeroProgress(stage, p.Step, p.MaxSteps, p.Metrics, p.Eta)));
        return await trainer.RunAsync(resume, evaluate: null, report, cancellationToken).ConfigureAwait(false);
    }
}
