using System.Diagnostics;
using R1Sharp.Distributed;
using R1Sharp.Models;
using R1Sharp.Models.Lora;
using R1Sharp.Rewards.Composition;
using R1Sharp.Text;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.DataParallel;
using R1Sharp.Training.Metrics;
using R1Sharp.Training.Optimization;
using R1Sharp.Training.Rollouts;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// The GRPO training loop: runs <see cref="GrpoStep"/> up to <c>max_steps</c>, logs metrics (metrics.jsonl and
/// TensorBoard), evaluates every <c>eval_steps</c>, and checkpoints every <c>save_steps</c> and at the end.
/// <c>resume</c> continues from the newest complete checkpoint with the same data order and sampling seeds, so the
/// continued run's metrics are exactly those an uninterrupted run would have logged. With <c>max_seconds</c> the run
/// also ends after the first step at which its training time reaches that budget; that step is evaluated and
/// checkpointed like a final step, and a resumed run counts the time of earlier sessions against the budget.
/// With several ranks (issue 17) every rank runs this loop in step; rank 0 alone writes the run directory (config,
/// metrics, checkpoints) and reports progress, and all ranks load the same checkpoint on resume (any number of ranks).
/// </summary>
public sealed class GrpoTrainer
{
    /// <summary>File name of the effective configuration written into the run directory.</summary>
    public const string ConfigFileName = "grpo_config.json";

    /// <summary>GRPO options a resumed run may change: how long to train, how often to log, evaluate and save, and where.</summary>
    public static readonly IReadOnlyList<string> SettingsThatMayChange = ["max_steps", "max_seconds", "save_steps", "save_total_limit", "eval_steps", "logging_steps", "device", "skip_memory_check", "logprob_chunk_size", "gradient_checkpointing", "gradient_accumulation_steps", "per_device_train_batch_size", "micro_batch_workers", "distributed_backend", "weight_check_steps",
        "rollout_backend", "rollout_sync_dir", "rollout_sync_timeout", "rollout_lora_name", "rollout_pause_generation"];

    private readonly CausalLanguageModel _policy;
    private readonly CausalLanguageModel? _reference;
    private readonly GrpoOptions _options;
    private readonly IPolicyCheckpoint _weights;
    private readonly string _outputDirectory;
    private readonly TorchSharp.Modules.AdamW _optimizer;
    private readonly GrpoStep _step;
    private readonly IRolloutEngine _rollouts;
    private readonly SortedDictionary<string, string> _settings;
    private readonly ICollectiveBackend _ranks;
    private readonly GrpoPrecision _precision;

    /// <summary>Sets up the trainer (AdamW over the policy's trainable parameters).</summary>
    /// <param name="policy">The model to train (also the in-process rollout model).</param>
    /// <param name="reference">Frozen reference for the KL term, or null (β is then treated as 0).</param>
    /// <param name="tokenizer">Tokenizer of the policy.</param>
    /// <param name="rollouts">Rollout engine.</param>
    /// <param name="rewards">Reward functions and weights (the caller owns and disposes it).</param>
    /// <param name="prompts">Prompt stream.</param>
    /// <param name="options">Validated options.</param>
    /// <param name="weights">Saves/loads the policy inside checkpoints.</param>
    /// <param name="outputDirectory">Run directory (metrics, config, checkpoints).</param>
    /// <param name="otherSettings">Settings outside <see cref="GrpoOptions"/> that alter the run (reward functions, prompt template...),
    /// recorded in checkpoints with the options and compared on resume like them.</param>
    /// <param name="ranks">The data-parallel ranks this process is one of (issue 17); null = one process.</param>
    /// <param name="precision">The bf16 copies of <c>bf16</c> and <c>rollout_dtype</c> over <paramref name="policy"/> (issue 18;
    /// <see cref="GrpoPrecision.Create"/>, the caller disposes it; an in-process engine samples from its
    /// <see cref="GrpoPrecision.Rollouts"/>); null for a run without either option.</param>
    public GrpoTrainer(CausalLanguageModel policy, CausalLanguageModel? reference, ITextTokenizer tokenizer, IRolloutEngine rollouts,
        RewardComposer rewards, IPromptSource prompts, GrpoOptions options, IPolicyCheckpoint weights, string outputDirectory,
        IReadOnlyDictionary<string, string>? otherSettings = null, ICollectiveBackend? ranks = null, GrpoPrecision? precision = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        GrpoOptionsValidator.ThrowIfInvalid(options, "trainer");
        // On CPU the process's memory is the limit; a GPU's memory is not in the GC's figure, so no check there.
        if (!options.SkipMemoryCheck && policy.Device.type == DeviceType.CPU)
        {
            int workers = GrpoStep.Workers(options, options.MicroBatchCount(), ranks?.Size ?? 1, routingOrCorrection: false, onCpu: true);
            GrpoMemoryEstimate.Compute(policy.parameters().Sum(p => p.numel()), policy.Config, options, LoraModel.TrainableParameters(policy).Sum(p => p.numel()), workers)
                .ThrowIfAbove(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        }
        _policy = policy;
        _reference = reference;
        _options = options;
        _weights = weights ?? throw new ArgumentNullException(nameof(weights));
        _outputDirectory = outputDirectory ?? throw new ArgumentNullException(nameof(outputDirectory));
        _optimizer = new Optimization.AdamW(LoraModel.TrainableParameters(policy), options.LearningRate,
            options.AdamBeta1, options.AdamBeta2, 1e-8, options.WeightDecay);
        _ranks = ranks ?? SingleProcessBackend.Instance;
        _precision = Precision(policy, options, precision);
        _step = new GrpoStep(policy, reference, tokenizer, rollouts, rewards, prompts, options, _ranks, _precision);
        _rollouts = rollouts ?? throw new ArgumentNullException(nameof(rollouts));
        _settings = RunSettings.From(options, GrpoOptionsFile.JsonOptions, SettingsThatMayChange);
        // issue 18: checkpoints written before bf16 and rollout_dtype existed resume as the float32 runs they were.
        if (!options.Bf16) _settings.Remove("bf16");
        if (options.RolloutDtype == RolloutDtype.Float32) _settings.Remove("rollout_dtype");
        foreach (var (name, value) in otherSettings ?? new Dictionary<string, string>()) _settings[name] = value;
    }

    /// <summary>Trains to <c>max_steps</c>, or until the <c>max_seconds</c> time budget is spent.</summary>
    /// <param name="resume">Continue from the newest checkpoint in the output directory (a fresh start when there is none).</param>
    /// <param name="evaluate">Optional held-out evaluation, run every <c>eval_steps</c> and after the last step.</param>
    /// <param name="progress">Receives each step's metrics.</param>
    /// <param name="cancellationToken">Stops between steps (no checkpoint is written for the interrupted step).</param>
    public Task<GrpoRunResult> RunAsync(bool resume, GrpoEvaluation? evaluate = null, IProgress<GrpoProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RunAsync(resume ? LatestCheckpoint : null, evaluate, progress, cancellationToken);

    /// <summary>What <c>--resume</c> without a path means: the newest checkpoint in the output directory.</summary>
    public const string LatestCheckpoint = "latest";

    /// <summary>Trains to <c>max_steps</c>, or until the <c>max_seconds</c> time budget is spent.</summary>
    /// <param name="resumeFrom">Null to start fresh; <see cref="LatestCheckpoint"/> to continue from the newest checkpoint in
    /// the output directory (a fresh start when there is none); or a checkpoint directory to continue from (the same
    /// convention as <c>r1 sft --resume</c>).</param>
    /// <param name="evaluate">Optional held-out evaluation, run every <c>eval_steps</c> and after the last step.</param>
    /// <param name="progress">Receives each step's metrics.</param>
    /// <param name="cancellationToken">Stops between steps (no checkpoint is written for the interrupted step).</param>
    /// <exception cref="ConfigurationException">The checkpoint directory does not exist, or its settings differ from this run's (each named).</exception>
    public async Task<GrpoRunResult> RunAsync(string? resumeFrom, GrpoEvaluation? evaluate = null, IProgress<GrpoProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(_outputDirectory);
        RankAgreement.ThrowIfSettingsDiffer(_ranks, _settings);
        bool writer = _ranks.Rank == 0;
        var store = new CheckpointStore<TrainerState>(_outputDirectory, owner: writer);
        var state = new TrainerState(0, 0, _options.Seed, 0, Settings: _settings);
        bool resume = resumeFrom is not null;
        if (ResumePoint(store, resumeFrom) is { } latest)
        {
            if (latest.State.Seed != _options.Seed)
                throw new ConfigurationException($"--resume: seed was {latest.State.Seed} in the checkpoint, now {_options.Seed} ({latest.Directory}); resume with the same configuration.");
            RunSettings.ThrowIfChanged(latest.Directory, latest.State.Settings, _settings);
            _weights.Load(latest.Directory);
            _precision.AfterLoad(); // the bf16 copies follow the loaded float32 masters
            if (MovingReference is { } moving) ReferencePolicy.Load(moving, Path.Combine(latest.Directory, ReferencePolicy.CheckpointFileName));
            CheckpointStore.RestoreOptimizer(_optimizer, Path.Combine(latest.Directory, CheckpointStore.OptimizerFileName));
            state = latest.State with { Settings = _settings };
            await _rollouts.OnResumedAsync(state.Step, cancellationToken).ConfigureAwait(false); // servers sample from these weights, not older or half-loaded ones
        }
        else await _rollouts.OnFreshStartAsync(cancellationToken).ConfigureAwait(false); // e.g. vLLM loads the LoRA adapter it samples under
        if (writer) await GrpoOptionsFile.SaveAsync(_options, Path.Combine(_outputDirectory, ConfigFileName), cancellationToken).ConfigureAwait(false);
        int startedAt = state.Step;
        using var log = writer ? new MetricsLog(_outputDirectory, resume ? state.Step : null) : null;
        var clock = Stopwatch.StartNew();
        double before = state.ElapsedSeconds;
        _policy.train();
        _precision.TrainingForward.train();

        bool stop = BudgetSpent(state.ElapsedSeconds);
        while (state.Step < _options.MaxSteps && !stop)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int step = state.Step + 1;
            double lr = LearningRateSchedule.At(step, _options.MaxSteps, _options.LearningRate, _options.WarmupSteps, _options.LrSchedulerType, _options.MinLearningRateRatio);
            foreach (var group in _optimizer.ParamGroups) group.LearningRate = lr;
            // Dropout (LoRA's) draws from torch's global generator: seeded per step, so a resumed run draws as an uninterrupted one.
            torch.manual_seed(StableSeed.Derive(_options.Seed, step, 0xD80));
            var result = await _step.RunAsync(step, state.DataPosition, _optimizer, cancellationToken).ConfigureAwait(false);
            // The budget is judged before this step's evaluation: the last step must be known before it is evaluated.
            // With several ranks their clocks differ: the step is the last when any rank's budget is spent.
            bool last = step == _options.MaxSteps || _ranks.Any(BudgetSpent(before + clock.Elapsed.TotalSeconds));
            if (_options.WeightCheckSteps > 0 && (step % _options.WeightCheckSteps == 0 || last))
                RankAgreement.ThrowIfWeightsDiverged(_ranks, LoraModel.TrainableParameters(_policy), step);
            stop = last;
            var metrics = new Dictionary<string, double>(result.Metrics, StringComparer.Ordinal);
            if (writer && evaluate is not null && ((_options.EvalSteps > 0 && step % _options.EvalSteps == 0) || last))
                foreach (var (name, value) in await evaluate(step, cancellationToken).ConfigureAwait(false))
                    metrics["eval/" + name] = value;
            state = state with { Step = step, DataPosition = result.NextDataPosition, ElapsedSeconds = before + clock.Elapsed.TotalSeconds };
            if (step % _options.LoggingSteps == 0 || last) log?.Write(new StepMetrics(step, metrics));
            if (writer && ((_options.SaveSteps > 0 && step % _options.SaveSteps == 0) || last))
                await SaveAsync(store, state, cancellationToken).ConfigureAwait(false);
            double perStep = clock.Elapsed.TotalSeconds / Math.Max(1, step - startedAt);
            double left = perStep * (_options.MaxSteps - step);
            if (_options.MaxSeconds > 0) left = Math.Min(left, Math.Max(0, _options.MaxSeconds - state.ElapsedSeconds));
            if (writer) progress?.Report(new GrpoProgress(step, _options.MaxSteps, metrics, TimeSpan.FromSeconds(state.ElapsedSeconds),
                TimeSpan.FromSeconds(last ? 0 : left)));
        }
        return new GrpoRunResult(state.Step, startedAt, state.ElapsedSeconds, state.Step < _options.MaxSteps, state.DataPosition);
    }

    // issue 18: bf16 and rollout_dtype need copies the caller made (the rollout engine samples from one of them).
    private static GrpoPrecision Precision(CausalLanguageModel policy, GrpoOptions options, GrpoPrecision? precision)
    {
        if (precision is not null)
            return ReferenceEquals(precision.Policy, policy) ? precision : throw new ArgumentException("the GrpoPrecision belongs to another policy", nameof(precision));
        if (options.Bf16 || options.RolloutDtype != RolloutDtype.Float32)
            throw new ArgumentException("bf16 and rollout_dtype need the policy's bf16 copies: pass GrpoPrecision.Create(policy, options), and build an in-process rollout engine on its Rollouts model", nameof(precision));
        return GrpoPrecision.Create(policy, options); // no copies: every part runs on the policy
    }

    private static (string Directory, TrainerState State)? ResumePoint(CheckpointStore<TrainerState> store, string? resumeFrom)
    {
        if (resumeFrom is null) return null;
        if (string.Equals(resumeFrom, LatestCheckpoint, StringComparison.OrdinalIgnoreCase)) return store.Latest();
        string checkpoint = Path.GetFullPath(resumeFrom);
        if (!Directory.Exists(checkpoint)) throw new ConfigurationException($"--resume: {checkpoint} is not a directory (give a checkpoint-N folder, or 'latest')");
        return (checkpoint, CheckpointStore<TrainerState>.ReadState(checkpoint));
    }

    /// <summary>π_ref when it changes during the run (<c>sync_ref_model</c>), so checkpoints must hold it; null otherwise.</summary>
    private CausalLanguageModel? MovingReference => _options.SyncRefModel && _options.Beta > 0 && _reference is not null && !ReferenceEquals(_reference, _policy) ? _reference : null;

    /// <summary>True when <c>max_seconds</c> is set and the training time (summed across resumes) has reached it.</summary>
    private bool BudgetSpent(double elapsedSeconds) => _options.MaxSeconds > 0 && elapsedSeconds >= _options.MaxSeconds;

    private Task<string> SaveAsync(CheckpointStore<TrainerState> store, TrainerState state, CancellationToken cancellationToken) =>
        store.SaveAsync(state, async dir =>
        {
            await _weights.SaveAsync(dir, cancellationToken).ConfigureAwait(false);
            if (MovingReference is { } moving) ReferencePolicy.Save(moving, Path.Combine(dir, ReferencePolicy.CheckpointFileName), cancellationToken);
            _optimizer.save_state_dict(Path.Combine(dir, CheckpointStore.OptimizerFileName));
        }, _options.SaveTotalLimit, cancellationToken);
}
