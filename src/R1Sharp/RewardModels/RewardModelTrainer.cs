using R1Sharp.TorchInterop;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using R1Sharp.Checkpoints;
using R1Sharp.IO;
using R1Sharp.Models.Lora;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Metrics;
using R1Sharp.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.RewardModels;

/// <summary>
/// Trains a <see cref="RewardModel"/> on preference pairs with the Bradley–Terry loss, on the run kit <c>r1 sft</c>
/// uses: AdamW with warmup and decay, gradient accumulation and clipping, <see cref="CheckpointStore{TState}"/>
/// checkpoints, <see cref="RunSettings"/> checks and an exact resume (the data order of epoch e is a permutation
/// drawn from (seed, e), and the state records the micro-batch reached), <see cref="MetricsLog"/> metrics.
/// One step: the step's pairs → chosen and rejected sequences scored in one padded batch per micro-batch →
/// loss / pairs of the step → backward → clip → AdamW. Held-out accuracy before training, every eval_steps and at the end.
/// </summary>
public sealed class RewardModelTrainer
{
    /// <summary>Value of <c>resumeFrom</c> that resumes from the newest checkpoint.</summary>
    public const string LatestCheckpoint = "latest";

    /// <summary>Options a resumed run may change (how long, how often, where).</summary>
    public static readonly IReadOnlyList<string> SettingsThatMayChange =
        ["output_dir", "num_train_epochs", "max_steps", "eval_steps", "logging_steps", "save_steps", "save_total_limit", "gradient_checkpointing"];

    private static readonly JsonSerializerOptions SettingsJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly RewardModel _model;
    private readonly LoraModel? _lora;
    private readonly IReadOnlyList<TokenizedPair> _train;
    private readonly IReadOnlyList<TokenizedPair> _validation;
    private readonly RewardModelOptions _options;
    private readonly int _padId;
    private readonly Action<string> _writeExtras;

    /// <summary>Creates a trainer.</summary>
    /// <param name="model">The model (trained in place).</param>
    /// <param name="lora">Adapters attached to its body, or null for full fine-tuning.</param>
    /// <param name="train">Training pairs.</param>
    /// <param name="validation">Held-out pairs (may be empty).</param>
    /// <param name="options">Settings.</param>
    /// <param name="padId">The tokenizer's pad id.</param>
    /// <param name="writeExtras">Copies tokenizer files into a saved directory.</param>
    public RewardModelTrainer(RewardModel model, LoraModel? lora, IReadOnlyList<TokenizedPair> train, IReadOnlyList<TokenizedPair> validation,
        RewardModelOptions options, int padId, Action<string>? writeExtras = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _lora = lora;
        _train = train ?? throw new ArgumentNullException(nameof(train));
        _validation = validation ?? throw new ArgumentNullException(nameof(validation));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate();
        if (train.Count == 0) throw new ConfigurationException("no training pairs are left (all longer than max_length, or all held out)");
        _padId = padId;
        _writeExtras = writeExtras ?? (_ => { });
    }

    private int BatchesPerEpoch => (_train.Count + _options.BatchSize - 1) / _options.BatchSize;

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

    /// <summary>The settings recorded in every checkpoint and compared on resume.</summary>
    public SortedDictionary<string, string> Settings()
    {
        var settings = RunSettings.From(_options, SettingsJson, SettingsThatMayChange);
        settings["train_pairs"] = _train.Count.ToString(CultureInfo.InvariantCulture);
        settings["train_tokens"] = _train.Sum(p => (long)p.Chosen.Count + p.Rejected.Count).ToString(CultureInfo.InvariantCulture);
        return settings;
    }

    /// <summary>Trains; resumes from <paramref name="resumeFrom"/> when given.</summary>
    /// <exception cref="ConfigurationException">No checkpoint to resume, or a resume whose settings differ (each named).</exception>
    public async Task<RewardModelRunResult> TrainAsync(string? resumeFrom, IProgress<RewardModelProgress>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_options.OutputDirectory);
        var parameters = _model.TrainableParameters().ToList();
        _model.Body.GradientCheckpointing = _options.GradientCheckpointing;
        using var optimizer = new Training.Optimization.AdamW(parameters, _options.LearningRate, _options.AdamBeta1, _options.AdamBeta2, _options.AdamEpsilon, _options.WeightDecay);
        var store = new CheckpointStore<RewardModelTrainerState>(_options.OutputDirectory);
        int totalSteps = TotalSteps;
        var settings = Settings();
        var state = new RewardModelTrainerState(0, 0, 0, totalSteps, null, settings);
        if (resumeFrom is not null)
        {
            string checkpoint = string.Equals(resumeFrom, LatestCheckpoint, StringComparison.OrdinalIgnoreCase)
                ? store.Latest()?.Directory ?? throw new ConfigurationException($"--resume latest: no checkpoint under {store.Root}")
                : Path.GetFullPath(resumeFrom);
            if (!Directory.Exists(checkpoint)) throw new ConfigurationException($"--resume: {checkpoint} is not a directory");
            var stored = CheckpointStore<RewardModelTrainerState>.ReadState(checkpoint);
            RunSettings.ThrowIfChanged(checkpoint, stored.Settings, settings);
            LoadWeights(checkpoint);
            CheckpointStore.RestoreOptimizer(optimizer, Path.Combine(checkpoint, CheckpointStore.OptimizerFileName));
            state = stored with { TotalSteps = totalSteps, Settings = settings };
        }
        using var log = new MetricsLog(_options.OutputDirectory, resumeFrom is null ? null : state.Step);
        if (resumeFrom is null && _validation.Count > 0)
        {
            var before = Evaluate(cancellationToken);
            state = state with { InitialAccuracy = before.Accuracy };
            log.Write(new StepMetrics(0, EvalMetrics(before)));
        }

        int warmupSteps = LearningRateSchedule.WarmupSteps(totalSteps, _options.WarmupRatio);
        RewardModelEvaluation? last = null;
        double? firstLoss = null, lastLoss = null;
        int stepsRun = 0;
        for (int epoch = state.Epoch; epoch < _options.Epochs && state.Step < totalSteps; epoch++)
        {
            var order = Order(epoch);
            int start = epoch == state.Epoch ? state.BatchInEpoch : 0;
            for (int first = start; first < BatchesPerEpoch && state.Step < totalSteps; first += _options.GradientAccumulationSteps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int batches = Math.Min(_options.GradientAccumulationSteps, BatchesPerEpoch - first);
                var microBatches = Enumerable.Range(first, batches)
                    .Select(b => order.Skip(b * _options.BatchSize).Take(_options.BatchSize).Select(i => _train[i]).ToList()).ToList();
                double rate = LearningRateSchedule.At(state.Step + 1, totalSteps, _options.LearningRate, warmupSteps, _options.Schedule, _options.MinLearningRateRatio);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
                // LoRA dropout draws from torch's global generator: seeded per step so a resumed run draws the same.
                torch.manual_seed(StableSeed.Derive(_options.Seed, state.Step + 1, 0x5EC));
                var (loss, accuracy, margin, gradNorm) = Step(optimizer, parameters, microBatches);
                firstLoss ??= loss;
                lastLoss = loss;
                stepsRun++;
                int next = first + batches;
                state = next >= BatchesPerEpoch
                    ? state with { Step = state.Step + 1, Epoch = epoch + 1, BatchInEpoch = 0 }
                    : state with { Step = state.Step + 1, Epoch = epoch, BatchInEpoch = next };
                bool final = state.Step >= totalSteps;
                var values = new Dictionary<string, double>(StringComparer.Ordinal)
                {
                    ["loss"] = loss,
                    ["accuracy"] = accuracy,
                    ["margin"] = margin,
                    ["grad_norm"] = gradNorm,
                    ["learning_rate"] = rate,
                    ["epoch"] = Math.Round(epoch + (double)next / BatchesPerEpoch, 4),
                };
                RewardModelEvaluation? evaluation = null;
                if (_validation.Count > 0 && ((_options.EvalSteps > 0 && state.Step % _options.EvalSteps == 0) || final))
                {
                    evaluation = last = Evaluate(cancellationToken);
                    foreach (var (key, value) in EvalMetrics(evaluation)) values[key] = value;
                }
                if (state.Step % _options.LoggingSteps == 0 || evaluation is not null || final) log.Write(new StepMetrics(state.Step, values));
                progress?.Report(new RewardModelProgress(state.Step, totalSteps, loss, accuracy, rate, evaluation?.Accuracy));
                if (_options.SaveSteps > 0 && state.Step % _options.SaveSteps == 0 && !final)
                    await SaveCheckpointAsync(store, optimizer, state, cancellationToken).ConfigureAwait(false);
            }
        }

        if (stepsRun > 0 || store.Latest() is null) await SaveCheckpointAsync(store, optimizer, state, cancellationToken).ConfigureAwait(false);
        if (last is null && _validation.Count > 0) last = Evaluate(cancellationToken);
        string modelDirectory = Path.Combine(_options.OutputDirectory, CheckpointStore.FinalDirectoryName);
        if (stepsRun > 0 || !Directory.Exists(modelDirectory))
        {
            // With LoRA the adapters are merged so final/ is a plain sequence-classification checkpoint.
            _lora?.MergeAndDetach();
            await AtomicDirectory.WriteAsync(modelDirectory, dir =>
            {
                RewardModelCheckpoint.Save(_model, dir, _padId, cancellationToken);
                _writeExtras(dir);
                return Task.CompletedTask;
            }, cancellationToken).ConfigureAwait(false);
        }
        return new RewardModelRunResult(state.Step, stepsRun, firstLoss, lastLoss, state.InitialAccuracy, last, modelDirectory);
    }

    /// <summary>The held-out pairs scored by the current weights.</summary>
    public RewardModelEvaluation Evaluate(CancellationToken cancellationToken = default) =>
        RewardModelEvaluation.Of(_model, _validation, _padId, _options.BatchSize * 2, cancellationToken);

    private (double Loss, double Accuracy, double Margin, double GradNorm) Step(optim.Optimizer optimizer, List<TorchSharp.Modules.Parameter> parameters, List<List<TokenizedPair>> microBatches)
    {
        _model.Body.train();
        optimizer.zero_grad();
        long pairs = microBatches.Sum(b => (long)b.Count);
        double lossSum = 0, marginSum = 0;
        int correct = 0;
        foreach (var batch in microBatches)
        {
            using var scope = NewDisposeScope();
            var (ids, mask) = RewardModel.Pad([.. batch.Select(p => p.Chosen), .. batch.Select(p => p.Rejected)], _padId, _model.Device);
            var scores = _model.Scores(ids, mask);
            var chosen = scores.narrow(0, 0, batch.Count);
            var rejected = scores.narrow(0, batch.Count, batch.Count);
            var loss = BradleyTerryLoss.Compute(chosen, rejected, _options.CenterRewardsCoefficient, pairs);
            loss.backward();
            lossSum += loss.item<float>();
            var margins = (chosen - rejected).detach().cpu().data<float>().ToArray();
            marginSum += margins.Sum();
            correct += margins.Count(m => m > 0);
        }
        double gradNorm = _options.MaxGradNorm > 0
            ? nn.utils.clip_grad_norm_(parameters, _options.MaxGradNorm)
            : Math.Sqrt(parameters.Where(p => p.grad is not null).Sum(p => p.grad!.pow(HeldScalars.Two).sum().item<float>()));
        optimizer.step();
        return (lossSum, correct / (double)pairs, marginSum / pairs, gradNorm);
    }

    private static Dictionary<string, double> EvalMetrics(RewardModelEvaluation e) => new(StringComparer.Ordinal)
    {
        ["eval/accuracy"] = e.Accuracy,
        ["eval/loss"] = e.Loss,
        ["eval/margin"] = e.MeanMargin,
        ["eval/chosen_mean"] = e.MeanChosen,
        ["eval/rejected_mean"] = e.MeanRejected,
    };

    // Epoch e's order: a permutation drawn from (seed, e) alone, so a resume rebuilds it.
    private int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, _train.Count).ToArray();
        new Random(StableSeed.Derive(_options.Seed, epoch, 0x0DE)).Shuffle(order);
        return order;
    }

    private Task<string> SaveCheckpointAsync(CheckpointStore<RewardModelTrainerState> store, TorchSharp.Modules.AdamW optimizer, RewardModelTrainerState state, CancellationToken cancellationToken) =>
        store.SaveAsync(state, dir =>
        {
            if (_lora is null) RewardModelCheckpoint.Save(_model, dir, _padId, cancellationToken);
            else
            {
                PeftAdapterFiles.Save(_lora, dir, null, cancellationToken);
                RewardModelCheckpoint.SaveHead(_model, dir);
            }
            _writeExtras(dir);
            optimizer.save_state_dict(Path.Combine(dir, CheckpointStore.OptimizerFileName));
            return Task.CompletedTask;
        }, _options.SaveTotalLimit, cancellationToken);

    private void LoadWeights(string checkpoint)
    {
        if (_lora is null)
        {
            RewardModelCheckpoint.LoadWeightsInto(_model, checkpoint);
            return;
        }
        PeftAdapterFiles.ReadWeightsInto(_lora, checkpoint);
        RewardModelCheckpoint.LoadHead(_model, checkpoint);
    }
}
