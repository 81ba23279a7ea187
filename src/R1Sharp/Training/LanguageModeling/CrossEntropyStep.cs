using R1Sharp.TorchInterop;
using R1Sharp.Distributed;
using R1Sharp.Training.DataParallel;
using R1Sharp.Training.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Training.LanguageModeling;

/// <summary>
/// One optimizer step of next-token cross-entropy, the loop shared by SFT, the built-in pre-trainer and the student
/// fine-tuning of <c>distill-zero</c>: for each micro-batch, forward → summed token loss / target tokens of the whole
/// step → backward; then clip the gradient norm and step the optimizer. Normalising by the step's target tokens makes
/// gradient accumulation equal one big batch, and every token weigh the same however it is batched.
/// The batches come from the caller (SFT's packed or bucketed epoch plan, the pre-trainer's corpus documents); the
/// optimizer belongs to the caller too, which sets its learning rate before the step.
/// </summary>
public sealed class CrossEntropyStep
{
    private readonly Func<TokenBatch, Tensor> _lossSum;
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly double _maxGradNorm;
    private MixedPrecisionModel? _mixed;
    private IReadOnlyList<Parameter>? _computeCounterparts; // the bf16 copies the buffered workers differentiate, once
    private readonly MoeRoutingTerms? _routing;
    private ICollectiveBackend _ranks = SingleProcessBackend.Instance;
    private int _workers = 1;

    /// <summary>Sets up the step.</summary>
    /// <param name="forward">Logits [B, T, V] of a batch.</param>
    /// <param name="parameters">The trained parameters (whose gradient norm is clipped).</param>
    /// <param name="maxGradNorm">Gradient norm clip; 0 disables clipping (the norm is still measured).</param>
    public CrossEntropyStep(Func<TokenBatch, Tensor> forward, IReadOnlyList<Parameter> parameters, double maxGradNorm)
        : this(parameters, maxGradNorm, LossSumOf(forward ?? throw new ArgumentNullException(nameof(forward))))
    {
    }

    private CrossEntropyStep(IReadOnlyList<Parameter> parameters, double maxGradNorm, Func<TokenBatch, Tensor> lossSum, MoeRoutingTerms? routing = null)
    {
        _lossSum = lossSum;
        _routing = routing;
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        ArgumentOutOfRangeException.ThrowIfNegative(maxGradNorm);
        _maxGradNorm = maxGradNorm;
    }

    /// <summary>
    /// A step whose summed token loss comes from <paramref name="tokenLossSum"/> directly (for example chunked from hidden
    /// states, <see cref="PackedCausalForward.TokenLossSum"/>) instead of from full logits.
    /// </summary>
    /// <param name="tokenLossSum">The summed cross-entropy of a batch's target tokens (a scalar).</param>
    /// <param name="parameters">The trained parameters (whose gradient norm is clipped).</param>
    /// <param name="maxGradNorm">Gradient norm clip; 0 disables clipping.</param>
    /// <param name="routing">A MoE model's routing terms (load-balancing loss, DeepSeek-V3 bias update), applied to
    /// every micro-batch of <see cref="Run"/>; null for none.</param>
    public static CrossEntropyStep OfLossSum(Func<TokenBatch, Tensor> tokenLossSum, IReadOnlyList<Parameter> parameters, double maxGradNorm, MoeRoutingTerms? routing = null) =>
        new(parameters, maxGradNorm, tokenLossSum ?? throw new ArgumentNullException(nameof(tokenLossSum)), routing);

    /// <summary>
    /// Trains with bf16 compute and float32 master weights: the loss function runs on <paramref name="mixed"/>'s
    /// <see cref="MixedPrecisionModel.Compute"/> copy, each micro-batch's gradients are summed into the masters' float32
    /// gradients, and the masters (this step's parameters and the optimizer's) are copied back after every step.
    /// </summary>
    /// <returns>This step.</returns>
    public CrossEntropyStep WithMasterWeights(MixedPrecisionModel mixed)
    {
        _mixed = mixed ?? throw new ArgumentNullException(nameof(mixed));
        _computeCounterparts = null;
        return this;
    }

    /// <summary>
    /// Data-parallel (issue 17): each rank runs its share of the step's micro-batches, the gradients are summed over
    /// <paramref name="ranks"/> before clipping (every rank normalises by the step's global target tokens, so the sum is
    /// the single-process gradient), and the loss and token counts of <see cref="Run"/> and <see cref="MeanLoss"/> are
    /// those of every rank together.
    /// </summary>
    /// <returns>This step.</returns>
    public CrossEntropyStep WithRanks(ICollectiveBackend ranks)
    {
        _ranks = ranks ?? throw new ArgumentNullException(nameof(ranks));
        return this;
    }

    /// <summary>
    /// Runs the micro-batches of <see cref="Run"/> on up to <paramref name="workers"/> threads, each worker a contiguous
    /// share of them (<see cref="ConcurrentMicroBatches"/>: in-process data parallelism; with one torch thread each, a
    /// second core does half the step). The workers' gradients are summed in a fixed order, so a run repeats bit for bit;
    /// with two micro-batches on two workers the sum is one worker's to the bit, bf16 master weights included (each
    /// micro-batch's gradient is rounded to bf16 once and summed in float32 either way). The micro-batch builders are then
    /// called from several threads at once. MoE routing terms, which act after each micro-batch, keep micro-batches one at
    /// a time; a model with activation checkpointing must be given one worker (its recomputation back-propagates into
    /// <c>.grad</c> itself; <see cref="MicroBatchWorkers"/> says so).
    /// </summary>
    /// <returns>This step.</returns>
    public CrossEntropyStep WithConcurrentMicroBatches(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _workers = workers;
        return this;
    }

    private static Func<TokenBatch, Tensor> LossSumOf(Func<TokenBatch, Tensor> forward) => batch => TokenLossSum(forward(batch), batch.Labels);

    /// <summary>Zeroes the gradients, accumulates those of every micro-batch, clips, and steps <paramref name="optimizer"/>.</summary>
    /// <param name="optimizer">The caller's optimizer, its learning rate set for this step.</param>
    /// <param name="microBatches">Builds each micro-batch; called inside a dispose scope that frees its tensors.</param>
    /// <param name="targetTokens">Target tokens of the whole step (the loss normaliser).</param>
    public CrossEntropyStepResult Run(optim.Optimizer optimizer, IReadOnlyList<Func<TokenBatch>> microBatches, long targetTokens)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(microBatches);
        optimizer.zero_grad();
        _mixed?.ZeroGradientsBesides(optimizer.parameters()); // the optimizer's masters are cleared just above
        double lossSum = 0;
        long real = 0, total = 0;
        int workers = _routing is null ? _workers : 1;
        var differentiated = workers > 1 && _mixed is not null ? _computeCounterparts ??= _mixed.ComputeCounterparts(_parameters) : null;
        foreach (var (sum, realTokens, totalTokens) in ConcurrentMicroBatches.Run(microBatches.Count, workers, _parameters,
            (k, gradients) => ForwardBackward(microBatches[k], targetTokens, microBatches.Count, gradients), differentiated))
            (lossSum, real, total) = (lossSum + sum, real + realTokens, total + totalTokens); // in micro-batch order
        if (_ranks.Size > 1)
        {
            GradientSync.AllReduce(_ranks, _parameters);
            Span<double> counts = [lossSum, real, total];
            _ranks.AllReduceSum(counts);
            (lossSum, real, total) = (counts[0], (long)counts[1], (long)counts[2]);
        }
        double gradNorm = _maxGradNorm > 0 ? nn.utils.clip_grad_norm_(_parameters, _maxGradNorm) : GradientNorm(_parameters);
        optimizer.step();
        _mixed?.CopyMasterToCompute();
        var routingMetrics = _routing?.AfterOptimizerStep();
        double? auxLoss = routingMetrics is not null && routingMetrics.TryGetValue(MoeRoutingTerms.AuxLossMetric, out double aux) ? aux : null;
        return new CrossEntropyStepResult(lossSum / Math.Max(1, targetTokens), gradNorm, targetTokens, real, total, auxLoss);
    }

    // One micro-batch in its own dispose scope: its summed token loss, backward of that sum over the step's target
    // tokens (with the routing terms and bf16 accumulation when set), and its token counts.
    private (double LossSum, long Real, long Total) ForwardBackward(Func<TokenBatch> build, long targetTokens, int microBatchCount, WorkerGradients gradients)
    {
        using var scope = NewDisposeScope();
        var batch = build();
        if (batch.TargetTokens == 0) return (0, batch.RealTokens, batch.TotalTokens);
        var sum = _lossSum(batch);
        double lossSum = sum.item<float>();
        var loss = sum.DividedBy(Math.Max(1, targetTokens));
        gradients.Backward(_routing?.AddTo(loss, batch.PaddingMask, 1.0 / microBatchCount) ?? loss);
        if (gradients.WritesParameterGradients) _mixed?.AccumulateGradients(); // a buffered worker sums its own
        return (lossSum, batch.RealTokens, batch.TotalTokens);
    }

    /// <summary>Mean cross-entropy per target token over <paramref name="batches"/>, without gradients; NaN when none has a target.</summary>
    public double MeanLoss(IEnumerable<Func<TokenBatch>> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        double lossSum = 0;
        long targets = 0;
        using (no_grad())
        {
            foreach (var build in batches)
            {
                using var scope = NewDisposeScope();
                var batch = build();
                if (batch.TargetTokens == 0) continue;
                lossSum += _lossSum(batch).item<float>();
                targets += batch.TargetTokens;
            }
        }
        if (_ranks.Size > 1)
        {
            Span<double> sums = [lossSum, targets];
            _ranks.AllReduceSum(sums);
            (lossSum, targets) = (sums[0], (long)sums[1]);
        }
        return targets == 0 ? double.NaN : lossSum / targets;
    }

    /// <summary>Cross-entropy summed over the labelled positions (labels of <see cref="TokenBatchCollator.IgnoreLabel"/> carry none),
    /// computed in float32 whatever the logits' precision.</summary>
    /// <param name="logits">[B, T, V].</param>
    /// <param name="labels">[B, T].</param>
    public static Tensor TokenLossSum(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        long vocabulary = logits.shape[^1];
        return nn.functional.cross_entropy(logits.reshape(-1, vocabulary).to_type(ScalarType.Float32), labels.reshape(-1),
            ignore_index: TokenBatchCollator.IgnoreLabel, reduction: nn.Reduction.Sum);
    }

    private static double GradientNorm(IEnumerable<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        double sum = 0;
        foreach (var p in parameters)
            if (p.grad is { } g) sum += g.to_type(ScalarType.Float64).pow(HeldScalars.Two).sum().item<double>();
        return Math.Sqrt(sum);
    }
}
