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
using R1Sharp.Training.DataParallel;
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
/// <c>dynamic_sampling</c>, <c>mask_truncated_completions</c>, <c>num_iterations</c> (μ).
/// Data-parallel (issue 17, under an MPI launcher): rank r samples its contiguous share of each round's prompt groups,
/// each group seeded by (seed, step, refill, group index) so samples do not depend on the number of ranks; losses are
/// normalised by the global batch's counts and gradients summed over ranks before the identical update on every rank.
/// Log-probs of π_θ, π_old and π_ref are all taken at the sampling temperature (logits / T, as TRL;
/// <see cref="CompletionLogProbs"/>), before top-p. Simplification: with μ = 1, π_old is π_θ detached (ratio 1, same
/// gradient), with μ &gt; 1 π_old comes from one no-grad forward pass before the first update.
/// </summary>
public sealed class GrpoStep(
    CausalLanguageModel policy,
    CausalLanguageModel? reference,
    ITextTokenizer tokenizer,
    IRolloutEngine rollouts,
    RewardComposer rewards,
    IPromptSource prompts,
    GrpoOptions options,
    ICollectiveBackend? ranks = null)
{
    private readonly ICollectiveBackend _ranks = ranks ?? SingleProcessBackend.Instance;

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
            : await SampleGroupByGroupAsync(repeated, settings, at, cancellationToken).ConfigureAwait(false);
        var inputs = sampled.Select(s =>
        {
            var row = rows[s.PromptIndex / options.NumGenerations];
            return new RewardInput(row.Prompt, tokenizer.Decode(s.Tokens, skipSpecialTokens: true), row.Row, s.Tokens.Length, s.Truncated);
        }).ToList();
        var scores = await rewards.ScoreAsync(inputs, cancellationToken).ConfigureAwait(false);
        return new SampledGroups(rows, promptIds, sampled, inputs, scores);
    }

    // Data-parallel: one request per group, seeded by the group's global index, so a group's samples are the same
    // whichever rank draws it and however many ranks share the step.
    private async Task<IReadOnlyList<Rollout>> SampleGroupByGroupAsync(List<IReadOnlyList<int>> repeated, RolloutSettings settings,
        (int Step, int Refill, int FirstGroup) at, CancellationToken cancellationToken)
    {
        int g = options.NumGenerations;
        var all = new List<Rollout>(repeated.Count);
        for (int k = 0; k * g < repeated.Count; k++)
        {
            var seed = StableSeed.Derive(options.Seed, at.Step, at.Refill, at.FirstGroup + k);
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
        var completions = keep.SelectMany(i => Enumerable.Range(i * g, g)).ToList();
        return new SampledGroups(
            keep.Select(i => s.Prompts[i]).ToList(),
            keep.Select(i => s.PromptIds[i]).ToList(),
            completions.Select(j => s.Rollouts[j]).ToList(),
            completions.Select(j => s.Inputs[j]).ToList(),
            s.Scores.Subset(completions));
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
        policy.GradientCheckpointing = options.GradientCheckpointing;
        var advantages = Advantages(batch.Scores.Totals);
        // Data-parallel: a rank may hold no rows this step; it still joins the gradient sum (with zeros).
        var rows = batch.Rollouts.Count == 0 ? null : TrainingRows.Build(batch.PromptIds, options.NumGenerations, [.. batch.Rollouts.Select(r => r.Tokens)],
            [.. batch.Rollouts.Select(r => r.Truncated)], tokenizer.PadId);
        var microBatches = rows is null ? [] : MicroBatches.Split(rows.Count, options.MicroBatchCount());
        // The loss is normalised by the global batch's counts, so the ranks' gradients sum to the single-process gradient.
        long lossTokens = (long)_ranks.Sum(rows?.LossTokens(options.MaskTruncatedCompletions) ?? 0);
        var settings = new PolicyLossSettings(options.LossType, options.EpsilonLow, options.EpsilonHigh,
            reference is null ? 0 : options.Beta, options.MaxCompletionLength, (int)globalRows, lossTokens);

        // π_old (μ > 1 only; with μ = 1 it is π_θ detached) and π_ref, once before any update.
        var logProbsOf = new CompletionLogProbs(options.Temperature, options.LogprobChunkSize);
        var oldLogProbs = options.NumIterations > 1 && rows is not null ? FrozenLogProbs.Compute(Frozen(policy, logProbsOf), rows, microBatches, policy.Device) : null;
        Tensor[]? refLogProbs = null;
        if (reference is not null && options.Beta > 0 && rows is not null)
        {
            using var baseModel = LoraModel.AdaptersOff(reference); // LoRA: π_ref is the policy with its adapters off
            refLogProbs = FrozenLogProbs.Compute(Frozen(reference, logProbsOf), rows, microBatches, policy.Device);
        }
        try
        {
            var parameters = LoraModel.TrainableParameters(policy).ToList();
            double loss = 0, kl = 0, entropy = 0, low = 0, high = 0, region = 0, gradNorm = 0;
            for (int iteration = 0; iteration < options.NumIterations; iteration++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                optimizer.zero_grad();
                loss = 0; kl = 0; low = 0; high = 0; region = 0;
                for (int k = 0; k < microBatches.Count; k++)
                {
                    using var scope = NewDisposeScope();
                    var micro = microBatches[k];
                    var (input, mask, targets) = rows!.Slice(micro, policy.Device);
                    var lossMask = rows.CompletionMask(micro, options.MaskTruncatedCompletions);
                    var (logProbs, tokenEntropy) = logProbsOf.Compute(policy, input, mask, targets, withEntropy: iteration == 0);
                    var result = PolicyLoss.Compute(logProbs, oldLogProbs?[k] ?? logProbs.detach(), refLogProbs?[k],
                        tensor(advantages[micro.Start..micro.End]), lossMask, settings);
                    result.Loss.backward();
                    double share = lossMask.sum().item<float>() / Math.Max(1.0, lossTokens);
                    loss += result.Loss.item<float>();
                    kl += result.Kl * share; low += result.ClipLowMean * share; high += result.ClipHighMean * share; region += result.ClipRegionMean * share;
                    if (tokenEntropy is not null)
                        entropy += (tokenEntropy * lossMask).sum().item<float>() / Math.Max(1.0, lossTokens);
                }
                GradientSync.AllReduce(_ranks, parameters);
                gradNorm = nn.utils.clip_grad_norm_(parameters, options.MaxGradNorm > 0 ? options.MaxGradNorm : double.MaxValue);
                optimizer.step();
            }
            if (_ranks.Size > 1)
            {
                // Each rank's terms are already shares of the global batch: their sums are the global step's values.
                Span<double> sums = [loss, kl, entropy, low, high, region];
                _ranks.AllReduceSum(sums);
                (loss, kl, entropy, low, high, region) = (sums[0], sums[1], sums[2], sums[3], sums[4], sums[5]);
            }
            metrics["loss"] = loss;
            metrics["kl"] = kl;
            metrics["entropy"] = entropy;
            metrics["grad_norm"] = gradNorm;
            metrics["clip_ratio/low_mean"] = low;
            metrics["clip_ratio/high_mean"] = high;
            metrics["clip_ratio/region_mean"] = region;
        }
        finally
        {
            foreach (var t in (oldLogProbs ?? []).Concat(refLogProbs ?? [])) t.Dispose();
        }
    }

    // Advantages of this rank's completions; with several ranks, computed over every rank's rewards (scale_rewards
    // batch needs the global batch's std) and this rank's part taken out.
    private float[] Advantages(IReadOnlyList<double> totals)
    {
        if (_ranks.Size == 1) return GroupAdvantages.Compute(totals, options.NumGenerations, options.ScaleRewards).Advantages;
        var all = _ranks.AllGather([.. totals]);
        var global = GroupAdvantages.Compute([.. all.SelectMany(t => t)], options.NumGenerations, options.ScaleRewards).Advantages;
        int offset = all.Take(_ranks.Rank).Sum(t => t.Length);
        return global[offset..(offset + totals.Count)];
    }

    private static readonly string[] TrainingMetricNames =
        ["loss", "kl", "entropy", "grad_norm", "clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean"];

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
        var rollouts = seen.SelectMany(s => s.Rollouts).ToList();
        metrics["completions/mean_length"] = rollouts.Average(r => r.Tokens.Length);
        metrics["completions/min_length"] = rollouts.Min(r => r.Tokens.Length);
        metrics["completions/max_length"] = rollouts.Max(r => r.Tokens.Length);
        metrics["completions/clipped_ratio"] = rollouts.Average(r => r.Truncated ? 1.0 : 0.0);
        metrics["reflection_rate"] = seen.SelectMany(s => s.Inputs).Average(i => ReflectionWords.Contains(i.Completion) ? 1.0 : 0.0);
    }
}
