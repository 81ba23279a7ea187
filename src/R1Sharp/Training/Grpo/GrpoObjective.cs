using R1Sharp.Training.Configuration;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// How <see cref="GrpoOptions"/> turn into the pieces of one step's objective (issue 20's GRPO family): the loss
/// settings (GSPO's clip range at sequence level, δ, SAPO, the KL estimator, β = 0 in the loss when the KL is in the
/// reward), and the rewards with the KL folded in (veRL <c>use_kl_in_reward</c>).
/// </summary>
public static class GrpoObjective
{
    /// <summary>The loss settings of a step.</summary>
    /// <param name="options">The run's options.</param>
    /// <param name="hasReference">Whether π_ref exists (β is 0 in the loss without one).</param>
    /// <param name="sequences">Completions of the step.</param>
    /// <param name="lossTokens">Loss tokens of the step.</param>
    /// <param name="microBatches">Micro-batches of the step (BNPO).</param>
    /// <param name="entropyTokens">Tokens kept by <c>top_entropy_quantile</c> in the step, or null when all are kept.</param>
    public static PolicyLossSettings LossSettings(GrpoOptions options, bool hasReference, int sequences, long lossTokens, int microBatches, long? entropyTokens)
    {
        ArgumentNullException.ThrowIfNull(options);
        bool sequence = options.ImportanceSamplingLevel == ImportanceSamplingLevel.Sequence;
        // CISPO's cap is epsilon_high at either level; the clipped losses use GSPO's own range at sequence level.
        bool gspoRange = sequence && options.LossType != GrpoLossType.Cispo;
        double beta = !hasReference || options.UseKlInReward ? 0 : options.Beta;
        return new PolicyLossSettings(options.LossType,
            gspoRange ? options.SequenceEpsilon : options.EpsilonLow,
            gspoRange ? options.SequenceEpsilonHigh : options.EpsilonHigh,
            beta, options.MaxCompletionLength, sequences, lossTokens)
        {
            ImportanceSamplingLevel = options.ImportanceSamplingLevel,
            Delta = options.Delta,
            SapoTemperaturePositive = options.SapoTemperaturePos,
            SapoTemperatureNegative = options.SapoTemperatureNeg,
            KlEstimator = options.KlLossType,
            EntropyCoefficient = options.EntropyCoef,
            TotalEntropyTokens = entropyTokens ?? lossTokens,
            MicroBatchCount = microBatches,
        };
    }

    /// <summary>
    /// Σ_t KL_t of each completion (its completion tokens, padding excluded) between the policy that sampled it and π_ref,
    /// by <paramref name="estimator"/>: what <c>use_kl_in_reward</c> subtracts, times β, from the reward.
    /// </summary>
    /// <param name="estimator">The KL estimator.</param>
    /// <param name="samplingLogProbs">Per micro-batch [b, C] log-probs of the sampling policy.</param>
    /// <param name="referenceLogProbs">Per micro-batch [b, C] log-probs of π_ref.</param>
    /// <param name="masks">Per micro-batch [b, C] completion masks.</param>
    public static double[] CompletionKl(KlEstimator estimator, IReadOnlyList<Tensor> samplingLogProbs, IReadOnlyList<Tensor> referenceLogProbs, IReadOnlyList<Tensor> masks)
    {
        ArgumentNullException.ThrowIfNull(samplingLogProbs);
        ArgumentNullException.ThrowIfNull(referenceLogProbs);
        ArgumentNullException.ThrowIfNull(masks);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var sums = new List<double>();
        for (int k = 0; k < samplingLogProbs.Count; k++)
        {
            var estimate = KlPenalty.Estimate(estimator, samplingLogProbs[k], referenceLogProbs[k]).to(CPU);
            sums.AddRange((estimate * masks[k].to_type(ScalarType.Float32)).sum(1).to_type(ScalarType.Float64).data<double>());
        }
        return [.. sums];
    }

    /// <summary><paramref name="rewards"/> − β·<paramref name="completionKl"/>, completion by completion.</summary>
    public static double[] PenalisedRewards(IReadOnlyList<double> rewards, IReadOnlyList<double> completionKl, double beta)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentNullException.ThrowIfNull(completionKl);
        if (rewards.Count != completionKl.Count) throw new ArgumentException($"{rewards.Count} rewards but {completionKl.Count} KL sums", nameof(completionKl));
        return [.. rewards.Select((r, i) => r - beta * completionKl[i])];
    }
}
