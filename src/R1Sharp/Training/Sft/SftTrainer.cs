using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Training.Sft;

/// <summary>
/// Supervised fine-tuning: cross-entropy on assistant tokens only, packed or length-bucketed batches, AdamW with
/// warmup + decay, gradient accumulation, gradient clipping, periodic validation, checkpoints and exact resume.
/// The path of one optimizer step: rows of the epoch's plan -> tensors -> forward -> summed token loss / target
/// tokens of the whole step -> backward (per micro-batch) -> clip -> AdamW -> metrics -> maybe eval/checkpoint.
/// </summary>
public sealed class SftTrainer
{
    private readonly ISftModel _model;
    private readonly SftDataset _data;
    private readonly SftOptions _options;
    private readonly int _padId;
    private readonly Device _device;

    /// <summary>Creates a trainer.</summary>
    /// <param name="model">Model adapter.</param>
    /// <param name="data">Tokenized training and validation samples.</param>
    /// <param name="options">Run settings.</param>
    /// <param name="padId">Padding token id.</param>
    /// <param name="device">Device of the model.</param>
    /// <exception cref="ArgumentException">Invalid options, or packing requested for a model that cannot do it.</exception>
    public SftTrainer(ISftModel model, SftDataset data, SftOptions options, int padId, Device device)
    {
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

    /// <summary>Trains; resumes from <paramref name="resumeFrom"/> (a checkpoint directory) when given.</summary>
    public async Task<SftRunResult> TrainAsync(string? resumeFrom = null, IProgress<SftProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(_options.OutputDirectory);
        var parameters = _model.TrainableParameters().ToList();
        var optimizer = optim.AdamW(parameters, _options.LearningRate, _options.AdamBeta1, _options.AdamBeta2, _options.AdamEpsilon, _options.WeightDecay);
        var store = new SftCheckpointStore(_options.OutputDirectory, _options.SaveTotalLimit);
        var journal = new MetricsJournal(Path.Combine(_options.OutputDirectory, "metrics.jsonl"));

        int totalSteps = TotalSteps;
        var state = new SftTrainerState(0, 0, 0, totalSteps, null);
        if (resumeFrom is not null)
        {
            state = SftCheckpointStore.Restore(resumeFrom, _model, optimizer);
            totalSteps = state.TotalSteps; // keep the schedule the run started with
        }
        await journal.TruncateAfterAsync(state.GlobalStep, cancellationToken).ConfigureAwait(false);

        var schedule = new LearningRatePlan(_options.LearningRate, totalSteps, (int)Math.Ceiling(totalSteps * _options.WarmupRatio),
            _options.Schedule, _options.MinLearningRateRatio);
        var collator = new SftBatchCollator(_data.Train, _padId);
        double? firstLoss = null, lastLoss = null, validationLoss = null;
        double paddingSum = 0;
        int stepsRun = 0;

        for (int epoch = state.Epoch; epoch < _options.Epochs && state.GlobalStep < totalSteps; epoch++)
        {
            var plan = Plan(epoch);
            int start = epoch == state.Epoch ? state.BatchInEpoch : 0;
            for (int first = start; first < plan.Count && state.GlobalStep < totalSteps; first += _options.GradientAccumulationSteps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var group = plan.Skip(first).Take(_options.GradientAccumulationSteps).ToList();
                double rate = schedule.RateAt(state.GlobalStep);
                var metrics = Step(optimizer, parameters, collator, group, rate, state.GlobalStep + 1, epoch + (double)(first + group.Count) / plan.Count);
                firstLoss ??= metrics.Loss;
                lastLoss = metrics.Loss;
                paddingSum += metrics.PaddingShare ?? 0;
                stepsRun++;

                int next = first + group.Count;
                state = next >= plan.Count
                    ? state with { GlobalStep = state.GlobalStep + 1, Epoch = epoch + 1, BatchInEpoch = 0 }
                    : state with { GlobalStep = state.GlobalStep + 1, Epoch = epoch, BatchInEpoch = next };

                bool endOfEpoch = next >= plan.Count;
                bool last = state.GlobalStep >= totalSteps;
                if (_data.Validation.Count > 0 && ((_options.EvalSteps > 0 && state.GlobalStep % _options.EvalSteps == 0) || endOfEpoch || last))
                {
                    validationLoss = Evaluate(_data.Validation);
                    metrics = metrics with { ValidationLoss = validationLoss };
                    if (state.BestValidationLoss is null || validationLoss < state.BestValidationLoss)
                        state = state with { BestValidationLoss = validationLoss };
                }
                if (state.GlobalStep % _options.LoggingSteps == 0 || metrics.ValidationLoss is not null || last)
                    await journal.AppendAsync(metrics, cancellationToken).ConfigureAwait(false);
                progress?.Report(new SftProgress(state.GlobalStep, totalSteps, metrics));
                if (_options.SaveSteps > 0 && state.GlobalStep % _options.SaveSteps == 0 && !last)
                    await store.SaveAsync(_model, optimizer, state, cancellationToken).ConfigureAwait(false);
            }
        }

        await store.SaveAsync(_model, optimizer, state, cancellationToken).ConfigureAwait(false);
        string modelDirectory = Path.Combine(_options.OutputDirectory, "final");
        Directory.CreateDirectory(modelDirectory);
        await _model.SaveAsync(modelDirectory, cancellationToken).ConfigureAwait(false);
        return new SftRunResult(state.GlobalStep, firstLoss, lastLoss, validationLoss, stepsRun == 0 ? 0 : paddingSum / stepsRun, modelDirectory);
    }

    /// <summary>Mean cross-entropy per assistant token over <paramref name="samples"/>, without gradients.</summary>
    public double Evaluate(IReadOnlyList<TokenizedConversation> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var collator = new SftBatchCollator(samples, _padId);
        var layout = _model.SupportsPacking ? _options.Layout : SequenceLayout.Bucketed;
        var plan = SequencePacker.Plan([.. samples.Select(s => s.Length)], layout, _options.MaxLength, _options.BatchSize, _options.Seed, epoch: -1);
        double lossSum = 0;
        long targets = 0;
        _model.Module.eval();
        using (no_grad())
        {
            foreach (var rows in plan)
            {
                using var scope = NewDisposeScope();
                var batch = collator.Collate(rows, _device);
                if (batch.TargetTokens == 0) continue;
                lossSum += TokenLossSum(batch).item<float>();
                targets += batch.TargetTokens;
            }
        }
        _model.Module.train();
        return targets == 0 ? double.NaN : lossSum / targets;
    }

    private SftStepMetrics Step(OptimizerHelper optimizer, List<Parameter> parameters, SftBatchCollator collator,
        List<List<PackedRow>> group, double rate, int step, double epoch)
    {
        var watch = Stopwatch.StartNew();
        foreach (var parameterGroup in optimizer.ParamGroups) parameterGroup.LearningRate = rate;
        optimizer.zero_grad();
        _model.Module.train();
        // Normalise by the step's target tokens across all micro-batches, so accumulation equals one big batch.
        long stepTargets = group.Sum(rows => rows.Sum(r => r.Samples.Sum(i => (long)_data.Train[i].Trainable.Skip(1).Count(t => t))));
        double lossSum = 0;
        long real = 0, total = 0;
        foreach (var rows in group)
        {
            using var scope = NewDisposeScope();
            var batch = collator.Collate(rows, _device);
            real += batch.RealTokens;
            total += batch.TotalTokens;
            if (batch.TargetTokens == 0) continue;
            var sum = TokenLossSum(batch);
            lossSum += sum.item<float>();
            (sum / Math.Max(1, stepTargets)).backward();
        }
        double gradNorm = _options.MaxGradNorm > 0
            ? nn.utils.clip_grad_norm_(parameters, _options.MaxGradNorm)
            : GradientNorm(parameters);
        optimizer.step();
        double seconds = Math.Max(watch.Elapsed.TotalSeconds, 1e-9);
        return new SftStepMetrics(step, Math.Round(epoch, 4), lossSum / Math.Max(1, stepTargets), rate, gradNorm,
            total == 0 ? 0 : 1 - (double)real / total, real / seconds, stepTargets, null);
    }

    private Tensor TokenLossSum(SftBatch batch)
    {
        var logits = _model.Forward(batch);
        long vocabulary = logits.shape[^1];
        return nn.functional.cross_entropy(logits.reshape(-1, vocabulary).to_type(ScalarType.Float32), batch.Labels.reshape(-1),
            ignore_index: SftBatchCollator.IgnoreLabel, reduction: nn.Reduction.Sum);
    }

    private static double GradientNorm(IEnumerable<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        double sum = 0;
        foreach (var p in parameters)
            if (p.grad is { } g) sum += g.to_type(ScalarType.Float64).pow(2).sum().item<double>();
        return Math.Sqrt(sum);
    }

    private List<List<PackedRow>> Plan(int epoch) =>
        SequencePacker.Plan([.. _data.Train.Select(s => s.Length)], _options.Layout, _options.MaxLength, _options.BatchSize, _options.Seed, epoch);
}
