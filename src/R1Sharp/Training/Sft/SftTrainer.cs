using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using R1Sharp.Distributed;
using R1Sharp.IO;
using R1Sharp.Models;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.DataParallel;
using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Metrics;
using R1Sharp.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.Sft;

/// <summary>
/// Supervised fine-tuning: cross-entropy on assistant tokens only, packed or length-bucketed batches, AdamW with
/// warmup + decay, gradient accumulation, gradient clipping, periodic validation, checkpoints and exact resume.
/// The path of one optimizer step: rows of the epoch's plan -> <see cref="CrossEntropyStep"/> (tensors -> forward ->
/// summed token loss / target tokens of the whole step -> backward per micro-batch -> clip -> AdamW) -> metrics
/// (<see cref="MetricsLog"/>: metrics.jsonl and TensorBoard) -> maybe eval/checkpoint.
/// </summary>
public sealed class SftTrainer
{
    private readonly ISftModel _model;
    private readonly SftDataset _data;
    private readonly SftOptions _options;
    private readonly int _padId;
    private readonly Device _device;
    private readonly ICollectiveBackend _ranks;

    /// <summary>Creates a trainer.</summary>
    /// <param name="model">Model adapter.</param>
    /// <param name="data">Tokenized training and validation samples.</param>
    /// <param name="options">Run settings.</param>
    /// <param name="padId">Padding token id.</param>
    /// <param name="device">Device of the model.</param>
    /// <param name="ranks">Data-parallel ranks (issue 17): each trains its share of every step's rows, gradients are
    /// summed over them, rank 0 alone logs and saves; null for one process.</param>
    /// <exception cref="ArgumentException">Invalid options, or packing requested for a model that cannot do it.</exception>
    public SftTrainer(ISftModel model, SftDataset data, SftOptions options, int padId, Device device, ICollectiveBackend? ranks = null)
    {
        _ranks = ranks ?? SingleProcessBackend.Instance;
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _data = data ?? throw new ArgumentNullException(nameof(data));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate();
        if (options.Layout == SequenceLayout.Packed && !model.SupportsPacking)
            throw new ArgumentException("this model's forward pass takes no position ids / block-diagonal mask; use the bucketed layout");
        _padId = padId;
        _device = device ?? throw new ArgumentNullException(nameof(device));
    }

    /// <summary>Micro-batches of the training split in one epoch.</summary>
    public int BatchesPerEpoch => Plan(0).Count;

    /// <summary>Optimizer steps the run will take.</summary>
    public int TotalSteps
    {
        get
        {
            int perEpoch = (BatchesPerEpoch + _options.GradientAccumulationSteps - 1) / _options.GradientAccumulationSteps;
            int total = perEpoch * _options.Epochs;
            return _options.MaxSteps > 0 ? Math.Min(total, _options.MaxSteps) : total;
        }
    }

    /// <summary>Value of <c>resumeFrom</c> that resumes from the newest checkpoint of the output directory.</summary>
    public const string LatestCheckpoint = "latest";

    /// <summary>SFT options a resumed run may change: how long to train, how often to log, evaluate and save, and where.
    /// As in transformers, a longer run recomputes the schedule for its new length.</summary>
    public static readonly IReadOnlyList<string> SettingsThatMayChange =
        ["output_dir", "num_train_epochs", "max_steps", "eval_steps", "logging_steps", "save_steps", "save_total_limit", "gradient_checkpointing", "logprob_chunk_size", "micro_batch_workers"];

    private static readonly JsonSerializerOptions SettingsJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The settings recorded in every checkpoint and compared on resume: the options that alter the run,
    /// and the size of the tokenized training split (a changed data file, template or length limit changes it).</summary>
    public SortedDictionary<string, string> Settings()
    {
        var settings = RunSettings.From(_options, SettingsJson, SettingsThatMayChange);
        // Checkpoints written before bf16 existed resume as the fp32 runs they were.
        if (!_options.Bf16) settings.Remove("bf16");
        settings["train_samples"] = _data.Train.Count.ToString(CultureInfo.InvariantCulture);
        settings["train_tokens"] = _data.Train.Sum(s => (long)s.Length).ToString(CultureInfo.InvariantCulture);
        return settings;
    }

    /// <summary>Trains; resumes from <paramref name="resumeFrom"/> when given.</summary>
    /// <param name="resumeFrom">A checkpoint directory, <see cref="LatestCheckpoint"/> for the newest one under the output
    /// directory, or null to start fresh (refused when the output directory already holds checkpoints).</param>
    /// <param name="progress">Receives every optimizer step.</param>
    /// <param name="cancellationToken">Stops between steps (the last checkpoint stays usable for resuming).</param>
    /// <exception cref="ConfigurationException">A fresh start into a folder with checkpoints, no checkpoint to resume, or a
    /// resume whose settings differ from the checkpoint's (each named).</exception>
    public async Task<SftRunResult> TrainAsync(string? resumeFrom = null, IProgress<SftProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        bool writer = _ranks.Rank == 0; // rank 0 alone writes the run folder
        if (resumeFrom is null && writer) FreshStart.Prepare(_options.OutputDirectory, overwrite: false);
        _ranks.Barrier();
        Directory.CreateDirectory(_options.OutputDirectory);
        var parameters = _model.TrainableParameters().ToList();
        if (_model.Module is CausalLanguageModel causal) causal.GradientCheckpointing = _options.GradientCheckpointing;
        using var optimizer = new Optimization.AdamW(parameters, _options.LearningRate, _options.AdamBeta1, _options.AdamBeta2, _options.AdamEpsilon, _options.WeightDecay);
        var store = new CheckpointStore<SftTrainerState>(_options.OutputDirectory, owner: writer);

        int totalSteps = TotalSteps;
        var settings = Settings();
        var state = new SftTrainerState(0, 0, 0, totalSteps, null, settings);
        if (resumeFrom is not null)
        {
            string checkpoint = string.Equals(resumeFrom, LatestCheckpoint, StringComparison.OrdinalIgnoreCase)
                ? store.Latest()?.Directory ?? throw new ConfigurationException($"--resume latest: no checkpoint under {store.Root}")
                : Path.GetFullPath(resumeFrom);
            if (!Directory.Exists(checkpoint)) throw new ConfigurationException($"--resume: {checkpoint} is not a directory");
            var stored = CheckpointStore<SftTrainerState>.ReadState(checkpoint);
            RunSettings.ThrowIfChanged(checkpoint, stored.Settings, settings);
            _model.Load(checkpoint);
            CheckpointStore.RestoreOptimizer(optimizer, Path.Combine(checkpoint, CheckpointStore.OptimizerFileName));
            state = stored with { TotalSteps = totalSteps, Settings = settings };
        }
        using var log = writer ? new MetricsLog(_options.OutputDirectory, resumeFrom is null ? null : state.Step) : null;

        int warmupSteps = LearningRateSchedule.WarmupSteps(totalSteps, _options.WarmupRatio);
        var collator = new TokenBatchCollator(_data.Train, _padId);
        // With bf16 mixed precision the forward runs on the bf16 copy, so that is where the router's logits are.
        using var routing = MoeRoutingTerms.For(_model.MixedPrecision?.Compute ?? _model.Module as CausalLanguageModel, _options.RouterBiasUpdateRate);
        if (routing is not null && _ranks.Size > 1)
            throw new NotSupportedException("r1 sft on several ranks: a mixture-of-experts model's routing terms (load balancing, router bias update) would be counted per rank; train it on one rank.");
        // issue 18: micro-batches on several threads where none must run in turn (routing terms keep them in turn inside
        // the step; activation checkpointing must be kept so here).
        int workers = MicroBatchWorkers.For(_options.MicroBatchWorkers, (_options.GradientAccumulationSteps + _ranks.Size - 1) / _ranks.Size, _ranks.Size,
            inTurnOnly: _options.GradientCheckpointing || routing is not null, _device.type == DeviceType.CPU, Environment.ProcessorCount, get_num_threads());
        var crossEntropy = CrossEntropyStep.OfLossSum(batch => _model.TokenLossSum(batch, _options.LogprobChunkSize), parameters, _options.MaxGradNorm, routing)
            .WithRanks(_ranks).WithConcurrentMicroBatches(workers);
        if (_model.MixedPrecision is { } mixed) crossEntropy.WithMasterWeights(mixed);
        double? firstLoss = null, lastLoss = null, validationLoss = null;
        double paddingSum = 0;
        int stepsRun = 0;

        for (int epoch = state.Epoch; epoch < _options.Epochs && state.Step < totalSteps; epoch++)
        {
            var plan = Plan(epoch);
            int start = epoch == state.Epoch ? state.BatchInEpoch : 0;
            for (int first = start; first < plan.Count && state.Step < totalSteps; first += _options.GradientAccumulationSteps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var group = plan.Skip(first).Take(_options.GradientAccumulationSteps).ToList();
                double rate = LearningRateSchedule.At(state.Step + 1, totalSteps, _options.LearningRate, warmupSteps, _options.Schedule, _options.MinLearningRateRatio);
                foreach (var parameterGroup in optimizer.ParamGroups) parameterGroup.LearningRate = rate;
                var watch = Stopwatch.StartNew();
                _model.Module.train();
                // Dropout (LoRA's) draws from torch's global generator: seeded per step, so a resumed run draws as an uninterrupted one.
                torch.manual_seed(StableSeed.Derive(_options.Seed, state.Step + 1, 0xD80));
                // Normalise by the step's target tokens across all micro-batches, so accumulation equals one big batch.
                long stepTargets = group.Sum(rows => rows.Sum(r => r.Samples.Sum(i => (long)_data.Train[i].Trainable.Skip(1).Count(t => t))));
                // Every rank normalises by the whole step's targets and trains its share of the step's rows (issue 17).
                var result = crossEntropy.Run(optimizer, [.. MicroBatchShare.Of(group, _ranks.Rank, _ranks.Size).Select(rows => (Func<TokenBatch>)(() => collator.Collate(rows, _device)))], stepTargets);
                double seconds = Math.Max(watch.Elapsed.TotalSeconds, 1e-9);
                firstLoss ??= result.Loss;
                lastLoss = result.Loss;
                paddingSum += result.PaddingShare;
                stepsRun++;

                int next = first + group.Count;
                bool endOfEpoch = next >= plan.Count;
                state = endOfEpoch
                    ? state with { Step = state.Step + 1, Epoch = epoch + 1, BatchInEpoch = 0 }
                    : state with { Step = state.Step + 1, Epoch = epoch, BatchInEpoch = next };
                state = state with { NumTokens = state.NumTokens + result.RealTokens };
                var metrics = new SftStepMetrics(state.Step, Math.Round(epoch + (double)next / plan.Count, 4), result.Loss, rate, result.GradNorm,
                    state.NumTokens, result.PaddingShare, result.RealTokens / seconds, null, result.RouterAuxLoss);

                bool last = state.Step >= totalSteps;
                if (_data.Validation.Count > 0 && ((_options.EvalSteps > 0 && state.Step % _options.EvalSteps == 0) || endOfEpoch || last))
                {
                    validationLoss = Evaluate(_data.Validation);
                    metrics = metrics with { ValidationLoss = validationLoss };
                    if (state.BestValidationLoss is null || validationLoss < state.BestValidationLoss)
                        state = state with { BestValidationLoss = validationLoss };
                }
                if (state.Step % _options.LoggingSteps == 0 || metrics.ValidationLoss is not null || last)
                    log?.Write(metrics.ToStepMetrics());
                if (writer) progress?.Report(new SftProgress(state.Step, totalSteps, metrics));
                bool save = _options.SaveSteps > 0 && state.Step % _options.SaveSteps == 0 && !last;
                // Ranks compare a checksum of their weights whenever one is saved, and at the end.
                if (save || last) RankAgreement.ThrowIfWeightsDiverged(_ranks, parameters, state.Step);
                if (save && writer)
                    await SaveCheckpointAsync(store, optimizer, state, cancellationToken).ConfigureAwait(false);
            }
        }

        string modelDirectory = Path.Combine(_options.OutputDirectory, CheckpointStore.FinalDirectoryName);
        // A resumed run that was already complete has its last checkpoint and (unless a kill came first) its final model.
        if (writer && (stepsRun > 0 || store.Latest() is null)) await SaveCheckpointAsync(store, optimizer, state, cancellationToken).ConfigureAwait(false);
        if (writer && (stepsRun > 0 || !Directory.Exists(modelDirectory)))
            await AtomicDirectory.WriteAsync(modelDirectory, dir => _model.SaveAsync(dir, cancellationToken), cancellationToken).ConfigureAwait(false);
        _ranks.Barrier(); // the job ends when the final model is written
        return new SftRunResult(state.Step, firstLoss, lastLoss, validationLoss, stepsRun == 0 ? 0 : paddingSum / stepsRun, modelDirectory, stepsRun);
    }

    private Task<string> SaveCheckpointAsync(CheckpointStore<SftTrainerState> store, TorchSharp.Modules.AdamW optimizer, SftTrainerState state, CancellationToken cancellationToken) =>
        store.SaveAsync(state, async dir =>
        {
            await _model.SaveAsync(dir, cancellationToken).ConfigureAwait(false);
            optimizer.save_state_dict(Path.Combine(dir, CheckpointStore.OptimizerFileName));
        }, _options.SaveTotalLimit, cancellationToken);

    /// <summary>Mean cross-entropy per assistant token over <paramref name="samples"/>, without gradients.</summary>
    public double Evaluate(IReadOnlyList<TokenizedSequence> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var collator = new TokenBatchCollator(samples, _padId);
        var layout = _model.SupportsPacking ? _options.Layout : SequenceLayout.Bucketed;
        var plan = SequencePacker.Plan([.. samples.Select(s => s.Length)], layout, _options.MaxLength, _options.BatchSize, _options.Seed, epoch: -1);
        var crossEntropy = CrossEntropyStep.OfLossSum(batch => _model.TokenLossSum(batch, _options.LogprobChunkSize), [], maxGradNorm: 0).WithRanks(_ranks);
        _model.Module.eval();
        double loss = crossEntropy.MeanLoss(MicroBatchShare.Of(plan, _ranks.Rank, _ranks.Size).Select(rows => (Func<TokenBatch>)(() => collator.Collate(rows, _device))));
        _model.Module.train();
        return loss;
    }

    private List<List<PackedRow>> Plan(int epoch) =>
        SequencePacker.Plan([.. _data.Train.Select(s => s.Length)], _options.Layout, _options.MaxLength, _options.BatchSize, _options.Seed, epoch);
}
