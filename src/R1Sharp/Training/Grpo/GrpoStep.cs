using System.Diagnostics;
using R1Sharp.Distributed;
using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Models.Lora;
using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;
using R1Sharp.Tasks;
using R1Sharp.Text;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.DataParallel;
using R1Sharp.Training.Optimization;
using R1Sharp.Training.Rollouts;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// One GRPO optimizer step, read top to bottom:
/// rows → template'd prompts → tokens → G rollouts each (with π_old log-probs) → text → rewards → group
/// advantages → clipped surrogate (+ β·k3 KL to π_ref) → AdamW step → metrics.
///
/// What we keep from the paper: G samples per prompt from the current policy, group-normalised advantages
/// shared by every token of a completion, the clipped ratio objective, the k3 KL estimator to a frozen reference,
/// rule-based rewards only, no value model.
/// What options change (GrpoOptions): <c>loss_type</c> (paper / DAPO token-mean / Dr. GRPO), <c>scale_rewards</c>
/// (group / batch / none), <c>epsilon_high</c> (clip-higher), <c>beta</c> = 0 (no reference model at all),
/// <c>dynamic_sampling</c>, <c>mask_truncated_completions</c>, <c>num_iterations</c> (μ); and the GRPO family
/// (<see cref="GrpoObjective"/>): <c>importance_sampling_level</c> (GSPO), cispo / sapo / bnpo, <c>delta</c>,
/// <c>entropy_coef</c>, <c>top_entropy_quantile</c>, <c>kl_loss_type</c>, <c>use_kl_in_reward</c>, <c>adv_estimator</c>,
/// <c>sync_ref_model</c>.
/// Data-parallel (issue 17, under an MPI launcher): rank r samples its contiguous share of each round's prompt groups,
/// each group seeded by (seed, step, refill, group index) so samples do not depend on the number of ranks (in-process,
/// all of a rank's groups in one batch, each group drawing from its own generator: <see cref="GroupSeeds"/>); losses are
/// normalised by the global batch's counts and gradients summed over ranks before the identical update on every rank.
/// Log-probs of π_θ, π_old and π_ref are all taken at the sampling temperature (logits / T, as TRL;
/// <see cref="CompletionLogProbs"/>), before top-p. Simplification: with μ = 1, π_old is π_θ detached (ratio 1, same
/// gradient), with μ &gt; 1 π_old comes from one no-grad forward pass before the first update.
/// Micro-batches (issue 18): the groups in order of length, so each micro-batch holds similar lengths and is cut to its
/// own rows' widths, then trained on <c>micro_batch_workers</c> threads whose gradient sums have a fixed order
/// (<see cref="LengthBalancedGroupOrder"/>, <see cref="ConcurrentMicroBatches"/>).
/// Precision (issue 18, <see cref="GrpoPrecision"/>): with <c>bf16</c> every training forward runs on the bf16 copy and
/// its gradients are summed into the float32 policy's, which the optimizer steps; rollouts come from the engine's model.
/// </summary>
public sealed class GrpoStep(
    CausalLanguageModel policy,
    CausalLanguageModel? reference,
    ITextTokenizer tokenizer,
    IRolloutEngine rollouts,
    RewardComposer rewards,
    IPromptSource prompts,
    GrpoOptions options,
    ICollectiveBackend? ranks = null,
    GrpoPrecision? precision = null)
{
    private readonly ICollectiveBackend _ranks = ranks ?? SingleProcessBackend.Instance;

    // issue 18: with bf16 the forward and backward run on the bf16 copy; the optimizer steps the float32 policy.
    private CausalLanguageModel Forward => precision?.TrainingForward ?? policy;

    /// <summary>Runs step <paramref name="step"/> (1-based) with prompts starting at <paramref name="dataPosition"/>.</summary>
    /// <param name="step">The step number (seeds its sampling).</param>
    /// <param name="dataPosition">First prompt position of this step.</param>
    /// <param name="optimizer">The trainer's optimizer, its learning rate already set for this step; the step only
    /// zeroes gradients and steps it (<c>num_iterations</c> times).</param>
    /// <param name="cancellationToken">Cancels between phases.</param>
    public async Task<GrpoStepResult> RunAsync(int step, long dataPosition, optim.Optimizer optimizer, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        int g = options.NumGenerations;

        // 1. Sample groups; with dynamic sampling, drop groups whose rewards all tie and refill from the next prompts.
        var kept = new List<SampledGroups>();
        var seen = new List<SampledGroups>();
        long position = dataPosition;
        int keptGroups = 0, refills = 0;
        while (true)
        {
            int need = options.PromptsPerStep - keptGroups;
            var (first, end) = RankShare.Of(need, _ranks.Rank, _ranks.Size);
            var rows = Enumerable.Range(first, end - first).Select(i => prompts.Get(position + i)).ToList();
            position += need;
            var sampled = await SampleAsync(rows, Seed(step, refills), (step, refills, first), cancellationToken).ConfigureAwait(false);
            seen.Add(sampled);
            var filtered = options.DynamicSampling ? DropTiedGroups(sampled) : sampled;
            if (filtered.Prompts.Count > 0) kept.Add(filtered);
            keptGroups += (int)_ranks.Sum(filtered.Prompts.Count);
            if (!options.DynamicSampling || keptGroups >= options.PromptsPerStep || refills >= options.MaxRefills) break;
            refills++;
        }
        double generationSeconds = clock.Elapsed.TotalSeconds;

        // 2-5. Advantages, loss, update — on the kept groups only.
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (_ranks.Size == 1) AddRewardMetrics(metrics, seen, g);
        else RankRewardMetrics.Add(metrics, _ranks, seen, g);
        var batch = Concatenate(kept, seen[0]);
        TrainOnBatch(batch, optimizer, metrics, cancellationToken);
        if (options.SyncRefModel && reference is not null && step % options.RefModelSyncSteps == 0)
            ReferencePolicy.MixIn(reference, policy, options.RefModelMixupAlpha); // issue 20: TR-DPO reference refresh
        precision?.RefreshRollouts(); // issue 18: the next step samples from the updated weights
        await rollouts.OnPolicyUpdatedAsync(step, cancellationToken).ConfigureAwait(false);

        double seconds = clock.Elapsed.TotalSeconds;
        long generatedTokens = (long)_ranks.Sum(seen.Sum(s => s.Rollouts.Sum(r => (long)r.Tokens.Length)));
        metrics["num_refills"] = refills;
        metrics["learning_rate"] = optimizer.ParamGroups.First().LearningRate;
        metrics["step_time"] = seconds;
        metrics["generation_time"] = generationSeconds;
        metrics["tokens_per_second"] = generatedTokens / Math.Max(seconds, 1e-9);
        string sample = seen[0].Inputs.Count > 0 ? seen[0].Inputs[0].Completion : "";
        return new GrpoStepResult(metrics, position, sample);
    }

    private long Seed(int step, int refill) => options.Seed * 1_000_003L + step * 1_009L + refill;

    private async Task<SampledGroups> SampleAsync(List<PromptRow> rows, long seed, (int Step, int Refill, int FirstGroup) at, CancellationToken cancellationToken)
    {
        // Prompts longer than max_prompt_length keep their end (the question and "Assistant:" matter most).
        var promptIds = rows.Select(r =>
        {
            var ids = tokenizer.Encode(r.Prompt, addSpecialTokens: true);
            return (IReadOnlyList<int>)(ids.Count > options.MaxPromptLength ? ids.Skip(ids.Count - options.MaxPromptLength).ToArray() : ids.ToArray());
        }).ToList();
        var repeated = promptIds.SelectMany(p => Enumerable.Repeat(p, options.NumGenerations)).ToList();
        var settings = new RolloutSettings(options.MaxCompletionLength, options.Temperature, options.TopP, tokenizer.EosIds, seed, tokenizer.PadId, SampleableIds.Of(tokenizer));
        var sampled = _ranks.Name == SingleProcessBackend.Instance.Name
            ? await rollouts.GenerateAsync(repeated, settings, cancellationToken).ConfigureAwait(false)
            : rollouts.SeedsEachGroup && rows.Count > 0 // a rank may hold no groups (a refill smaller than the ranks)
                ? await rollouts.GenerateAsync(repeated, settings with { GroupSeeds = GroupSeedsOf(rows.Count, at) }, cancellationToken).ConfigureAwait(false)
                : await SampleGroupByGroupAsync(repeated, settings, at, cancellationToken).ConfigureAwait(false);
        var inputs = sampled.Select(s =>
        {
            var row = rows[s.PromptIndex / options.NumGenerations];
            return new RewardInput(row.Prompt, tokenizer.Decode(s.Tokens, skipSpecialTokens: true), row.Row, s.Tokens.Length, s.Truncated);
        }).ToList();
        var scores = await rewards.ScoreAsync(inputs, cancellationToken).ConfigureAwait(false);
        return new SampledGroups(rows, promptIds, sampled, inputs, scores);
    }

    // Data-parallel: each group is seeded by its global index, so a group's samples are the same whichever rank draws it
    // and however many ranks share the step. An engine that seeds each group of a request (in-process) takes a rank's
    // groups in one batch (one lm_head read per decode step for all of them); others get one request per group.
    private GroupSeeds GroupSeedsOf(int groups, (int Step, int Refill, int FirstGroup) at) =>
        new(options.NumGenerations, [.. Enumerable.Range(at.FirstGroup, groups).Select(k => GroupSeed(at, k))]);

    private long GroupSeed((int Step, int Refill, int FirstGroup) at, int group) => StableSeed.Derive(options.Seed, at.Step, at.Refill, group);

    private async Task<IReadOnlyList<Rollout>> SampleGroupByGroupAsync(List<IReadOnlyList<int>> repeated, RolloutSettings settings,
        (int Step, int Refill, int FirstGroup) at, CancellationToken cancellationToken)
    {
        int g = options.NumGenerations;
        var all = new List<Rollout>(repeated.Count);
        for (int k = 0; k * g < repeated.Count; k++)
        {
            var seed = GroupSeed(at, at.FirstGroup + k);
            var group = await rollouts.GenerateAsync(repeated.GetRange(k * g, g), settings with { Seed = seed }, cancellationToken).ConfigureAwait(false);
            all.AddRange(group.Select(r => r with { PromptIndex = k * g + r.PromptIndex }));
        }
        return all;
    }

    private SampledGroups DropTiedGroups(SampledGroups s)
    {
        int g = options.NumGenerations;
        var keep = Enumerable.Range(0, s.Prompts.Count)
            .Where(i => Enumerable.Range(i * g, g).Any(j => s.Scores.Totals[j] != s.Scores.Totals[i * g])).ToList();
        return s.OfGroups(keep, g);
    }

    // With every group dropped, the empty batch still carries the reward names (from an empty subset of what was seen).
    private static SampledGroups Concatenate(List<SampledGroups> parts, SampledGroups anySeen) => new(
        parts.SelectMany(p => p.Prompts).ToList(),
        parts.SelectMany(p => p.PromptIds).ToList(),
        parts.SelectMany(p => p.Rollouts).ToList(),
        parts.SelectMany(p => p.Inputs).ToList(),
        parts.Count == 0 ? anySeen.Scores.Subset([]) : RewardScores.Concatenate([.. parts.Select(p => p.Scores)]));

    private void TrainOnBatch(SampledGroups batch, optim.Optimizer optimizer, Dictionary<string, double> metrics, CancellationToken cancellationToken)
    {
        long globalRows = (long)_ranks.Sum(batch.Rollouts.Count);
        if (globalRows == 0)
        {
            // Every group tied even after refills: nothing to learn from this step, and no update is made.
            foreach (var name in TrainingMetricNames) metrics[name] = 0;
            return;
        }
        Forward.GradientCheckpointing = options.GradientCheckpointing;
        using var routing = MoeRoutingTerms.For(Forward, options.RouterBiasUpdateRate); // issue 16: MoE aux loss / bias update
        // issue 18: the micro-batches on several threads where nothing in the step needs them one at a time, groups of
        // similar length trained together (each micro-batch only as wide as its own rows), the workers' shares balanced.
        // The rollout correction: vLLM/SGLang rollouts (issue 17), in-process rollouts in another precision than the
        // training forward (issue 18).
        bool correct = options.VllmImportanceSamplingCorrection && (rollouts.SamplesElsewhere || precision?.RolloutsDifferFromTraining == true);
        int microBatchCount = Math.Min(options.MicroBatchCount(), batch.Rollouts.Count);
        int workers = Workers(options, microBatchCount, _ranks.Size, routing is not null || correct, policy.Device.type == DeviceType.CPU);
        if (microBatchCount > 0 && options.LossType != GrpoLossType.Bnpo) batch = InTrainingOrder(batch, microBatchCount, workers);
        // Data-parallel: a rank may hold no rows this step; it still joins every collective (its gradient is zero).
        var rows = batch.Rollouts.Count == 0 ? null : TrainingRows.Build(batch.PromptIds, options.NumGenerations, [.. batch.Rollouts.Select(r => r.Tokens)],
            [.. batch.Rollouts.Select(r => r.Truncated)], tokenizer.PadId, [.. batch.Rollouts.Select(r => r.Tools?.ToolTokens)]);
        var microBatches = rows is null ? [] : MicroBatches.Split(rows.Count, options.MicroBatchCount());
        // The loss is normalised by the global batch's counts, so the ranks' gradients sum to the single-process gradient.
        long lossTokens = (long)_ranks.Sum(rows?.LossTokens(options.MaskTruncatedCompletions) ?? 0);

        // π_old (μ > 1 only; with μ = 1 it is π_θ detached) and π_ref, once before any update.
        var logProbsOf = new CompletionLogProbs(options.Temperature, options.LogprobChunkSize);
        var oldLogProbs = options.NumIterations > 1 && rows is not null ? FrozenLogProbs.Compute(Frozen(Forward, logProbsOf), rows, microBatches, policy.Device, workers) : null;
        Tensor[]? refLogProbs = null, samplingLogProbs = null;
        EntropySelection? selection = null;
        if (reference is not null && options.Beta > 0 && rows is not null)
        {
            var referenceModel = ReferenceEquals(reference, policy) ? Forward : reference; // LoRA with bf16: the bf16 base
            using var baseModel = LoraModel.AdaptersOff(referenceModel); // LoRA: π_ref is the policy with its adapters off
            refLogProbs = FrozenLogProbs.Compute(Frozen(referenceModel, logProbsOf), rows, microBatches, policy.Device, workers);
        }
        try
        {
            // issue 20: the KL folded into the reward, the advantage estimator, the top-entropy token selection.
            var totals = batch.Scores.Totals;
            double? rewardKl = null;
            if (options.UseKlInReward && reference is not null && options.Beta > 0)
            {
                double[] completionKl = [];
                if (rows is not null)
                {
                    samplingLogProbs = oldLogProbs is null ? FrozenLogProbs.Compute(Frozen(Forward, logProbsOf), rows, microBatches, policy.Device, workers) : null;
                    completionKl = GrpoObjective.CompletionKl(options.KlLossType, oldLogProbs ?? samplingLogProbs!, refLogProbs!,
                        [.. microBatches.Select(m => rows.CompletionMask(m, maskTruncated: false))]);
                    totals = GrpoObjective.PenalisedRewards(totals, completionKl, options.Beta);
                }
                double klSum = _ranks.Sum(completionKl.Sum());
                metrics["reward_kl_penalty"] = options.Beta * klSum / globalRows;
                rewardKl = klSum / Math.Max(1.0, _ranks.Sum(batch.Rollouts.Sum(r => (double)r.Tokens.Length))); // per token, as the loss's kl
            }
            var advantages = Advantages(totals);
            if (options.TopEntropyQuantile < 1) // every rank, rows or not: the quantile is over all ranks' tokens (issue 17)
            {
                selection = EntropySelection.Compute(logProbsOf, Forward, rows, microBatches, options.MaskTruncatedCompletions, options.TopEntropyQuantile, _ranks);
                metrics["entropy/kept_mean"] = selection.KeptMeanEntropy;
                metrics["entropy/kept_fraction"] = selection.KeptTokens / Math.Max(1.0, lossTokens);
            }
            // bnpo normalises per micro-batch: over ranks, the mean of every rank's micro-batch means (as TRL across GPUs).
            var settings = GrpoObjective.LossSettings(options, reference is not null, (int)globalRows, lossTokens, (int)_ranks.Sum(microBatches.Count), selection?.KeptTokens);
            bool entropyBonus = options.EntropyCoef > 0;

            var parameters = LoraModel.TrainableParameters(policy).ToList();
            var differentiated = workers > 1 ? precision?.Training?.ComputeCounterparts(parameters) : null;
            var mismatch = new RolloutMismatchStats();
            double entropy = 0, gradNorm = 0;
            var lossMetrics = new PolicyLossMetrics();
            for (int iteration = 0; iteration < options.NumIterations; iteration++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                optimizer.zero_grad();
                precision?.Training?.ZeroGradientsBesides(optimizer.parameters()); // the optimizer's masters are cleared just above
                lossMetrics = new PolicyLossMetrics();
                bool first = iteration == 0;
                // Runs on a worker's thread when there are several (MicroBatchWorkers rules out what must run in turn).
                MicroBatchOutcome Train(int k, WorkerGradients gradients)
                {
                    using var scope = NewDisposeScope();
                    var micro = microBatches[k];
                    var (input, mask, targets) = rows!.Slice(micro, policy.Device);
                    var lossMask = rows.CompletionMask(micro, options.MaskTruncatedCompletions);
                    var (logProbs, tokenEntropy) = logProbsOf.Compute(Forward, input, mask, targets, withEntropy: first || entropyBonus, entropyGradient: entropyBonus);
                    var old = oldLogProbs?[k] ?? logProbs.detach();
                    var (sampled, available) = correct ? RolloutImportanceCorrection.SamplingLogProbs(batch.Rollouts, micro.Start, micro.Count, rows.CompletionWidthOf(micro), policy.Device) : default;
                    var weights = correct ? RolloutImportanceCorrection.Weights(old, sampled, available * lossMask.to(policy.Device), options.VllmImportanceSamplingMode, options.VllmImportanceSamplingCap, first ? mismatch : null) : null;
                    var result = PolicyLoss.Compute(logProbs, old, refLogProbs?[k],
                        tensor(advantages[micro.Start..micro.End]), lossMask, settings, tokenEntropy, selection?.Masks[k], weights);
                    gradients.Backward(routing?.AddTo(result.Loss, mask, 1.0 / microBatches.Count) ?? result.Loss);
                    if (gradients.WritesParameterGradients) precision?.AccumulateGradients(); // bf16 gradients summed into the float32 masters' (a buffered worker sums its own)
                    double share = lossMask.sum().item<float>() / Math.Max(1.0, lossTokens);
                    double tokenEntropySum = tokenEntropy is not null && first ? (tokenEntropy.detach() * lossMask).sum().item<float>() / Math.Max(1.0, lossTokens) : 0;
                    return new MicroBatchOutcome(result, result.Loss.item<float>(), share, tokenEntropySum);
                }
                // Metrics are added in micro-batch order, as one worker adds them.
                foreach (var outcome in ConcurrentMicroBatches.Run(microBatches.Count, workers, parameters, Train, differentiated))
                {
                    lossMetrics.Add(outcome.Result, outcome.Loss, outcome.Share);
                    entropy += outcome.Entropy;
                }
                GradientSync.AllReduce(_ranks, parameters);
                gradNorm = nn.utils.clip_grad_norm_(parameters, options.MaxGradNorm > 0 ? options.MaxGradNorm : double.MaxValue);
                optimizer.step();
                precision?.AfterOptimizerStep();
                foreach (var (name, value) in routing?.AfterOptimizerStep() ?? new Dictionary<string, double>()) metrics[name] = value;
            }
            lossMetrics.WriteTo(metrics);
            metrics["entropy"] = entropy;
            if (_ranks.Size > 1) SumOverRanks(metrics);
            if (rewardKl is double kl) metrics["kl"] = kl; // the loss has no KL term then
            metrics["grad_norm"] = gradNorm;
            if (entropyBonus) metrics["entropy_coef"] = options.EntropyCoef;
            mismatch.WriteTo(metrics);
        }
        finally
        {
            foreach (var t in (oldLogProbs ?? []).Concat(refLogProbs ?? []).Concat(samplingLogProbs ?? [])) t.Dispose();
            selection?.Dispose();
        }
    }

    /// <summary>Whether a step's micro-batches must run one at a time (<see cref="MicroBatchWorkers"/>): activation
    /// checkpointing, or what the step itself adds (MoE routing terms, the rollout correction).</summary>
    internal static bool InTurnOnly(GrpoOptions options, bool routingOrCorrection) => routingOrCorrection || options.GradientCheckpointing;

    /// <summary>The micro-batch workers of a step on this machine (<see cref="MicroBatchWorkers.For"/>), for the step and the
    /// trainer's memory estimate alike.</summary>
    internal static int Workers(GrpoOptions options, int microBatches, int ranks, bool routingOrCorrection, bool onCpu) =>
        MicroBatchWorkers.For(options.MicroBatchWorkers, microBatches, ranks, InTurnOnly(options, routingOrCorrection), onCpu, Environment.ProcessorCount, get_num_threads());

    // The batch with its groups in LengthBalancedGroupOrder's order (the same batch when that keeps sampling order).
    private SampledGroups InTrainingOrder(SampledGroups batch, int microBatches, int workers)
    {
        int g = options.NumGenerations;
        if (batch.Rollouts.Count != batch.Prompts.Count * g) return batch;
        var widths = Enumerable.Range(0, batch.Prompts.Count)
            .Select(k => batch.PromptIds[k].Count + Enumerable.Range(k * g, g).Max(i => batch.Rollouts[i].Tokens.Length)).ToList();
        var order = LengthBalancedGroupOrder.Of(widths, g, microBatches, workers);
        return order.SequenceEqual(Enumerable.Range(0, order.Length)) ? batch : batch.OfGroups(order, g);
    }

    // What one micro-batch's training reports: its loss statistics, its loss, its share of the step's loss tokens, and
    // its part of the step's mean entropy (first pass only).
    private sealed record MicroBatchOutcome(PolicyLossResult Result, double Loss, double Share, double Entropy);

    private static readonly string[] TrainingMetricNames = [.. PolicyLossMetrics.AlwaysReported, "entropy", "grad_norm"];

    // Advantages of this rank's completions; with several ranks, computed over every rank's rewards (scale_rewards
    // batch needs the global batch's std) and this rank's part taken out.
    private float[] Advantages(IReadOnlyList<double> totals)
    {
        if (_ranks.Size == 1) return AdvantageEstimators.Compute(options.AdvEstimator, totals, options.NumGenerations, options.ScaleRewards).Advantages;
        var all = _ranks.AllGather([.. totals]);
        var global = AdvantageEstimators.Compute(options.AdvEstimator, [.. all.SelectMany(t => t)], options.NumGenerations, options.ScaleRewards).Advantages;
        int offset = all.Take(_ranks.Rank).Sum(t => t.Length);
        return global[offset..(offset + totals.Count)];
    }

    // Each rank's loss terms are already shares of the global batch, so their sums are the global step's values.
    // Other statistics (GSPO's sequence ratios, per-loss token means) stay this rank's.
    private void SumOverRanks(Dictionary<string, double> metrics)
    {
        string[] names = [.. PolicyLossMetrics.AlwaysReported, "entropy"];
        var sums = names.Select(n => metrics.GetValueOrDefault(n)).ToArray();
        _ranks.AllReduceSum(sums.AsSpan());
        for (int i = 0; i < names.Length; i++) metrics[names[i]] = sums[i];
    }

    private static FrozenLogProbs.LogProbsOf Frozen(CausalLanguageModel model, CompletionLogProbs logProbsOf) =>
        (input, mask, targets) => logProbsOf.Compute(model, input, mask, targets).LogProbs;

    private static void AddRewardMetrics(Dictionary<string, double> metrics, List<SampledGroups> seen, int g)
    {
        var scores = RewardScores.Concatenate([.. seen.Select(s => s.Scores)]);
        var totals = scores.Totals;
        var groups = GroupAdvantages.Compute(totals, g, AdvantageScaling.Group);
        metrics["reward"] = totals.Average();
        metrics["reward_std"] = groups.GroupStd.Average();
        metrics["frac_reward_zero_std"] = groups.FractionZeroStd;
        for (int f = 0; f < scores.Names.Count; f++)
        {
            // Nulls ("not applicable") are left out; a function that applied to nothing reports 0, as TRL does.
            metrics[$"rewards/{scores.Names[f]}/mean"] = scores.Mean(f) ?? 0;
            metrics[$"rewards/{scores.Names[f]}/std"] = scores.StandardDeviation(f) ?? 0;
        }
        // Counts batch rewards report (a judge's failures), summed over the step's generation rounds.
        foreach (var (name, value) in scores.Counters) metrics[name] = value;
        var rollouts = seen.SelectMany(s => s.Rollouts).ToList();
        metrics["completions/mean_length"] = rollouts.Average(r => r.Tokens.Length);
        metrics["completions/min_length"] = rollouts.Min(r => r.Tokens.Length);
        metrics["completions/max_length"] = rollouts.Max(r => r.Tokens.Length);
        metrics["completions/clipped_ratio"] = rollouts.Average(r => r.Truncated ? 1.0 : 0.0);
        ToolMetrics.AddTo(metrics, rollouts); // issue 20: tools
        metrics["reflection_rate"] = seen.SelectMany(s => s.Inputs).Average(i => ReflectionWords.Contains(i.Completion) ? 1.0 : 0.0);
    }
}
