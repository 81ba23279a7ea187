using R1Sharp.TorchInterop;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// The GRPO-family loss: an importance weight (per token, or GSPO's per sequence; <see cref="ImportanceWeights"/>), a
/// per-token policy term (<see cref="SurrogateLosses"/>: clipped, with optional δ; CISPO; SAPO), optionally kept only on
/// high-entropy tokens, plus β times a KL estimate (<see cref="KlPenalty"/>), reduced by one of the paper / DAPO /
/// Dr. GRPO / BNPO modes, minus an optional entropy bonus. By default, per token:
/// <c>−min(ρA, clip(ρ, 1−ε_low, 1+ε_high)A) + β·k3</c> with <c>ρ = exp(log π_θ − log π_old)</c>.
/// </summary>
public static class PolicyLoss
{
    /// <summary>Computes the loss over completion tokens selected by <paramref name="mask"/>.</summary>
    /// <param name="policyLogProbs">[B, T] log-probs of the sampled tokens under the current policy (with grad).</param>
    /// <param name="oldLogProbs">[B, T] log-probs under the policy that sampled them (π_old); pass the detached policy log-probs when μ = 1.</param>
    /// <param name="referenceLogProbs">[B, T] log-probs under the frozen reference, or null when β = 0.</param>
    /// <param name="advantages">[B] one advantage per completion.</param>
    /// <param name="mask">[B, T] 1 for completion tokens that count, 0 for padding or masked (truncated) completions.</param>
    /// <param name="settings">Clip range, β and the reduction.</param>
    /// <param name="entropy">[B, T] entropy of each position (with grad for the entropy bonus), or null.</param>
    /// <param name="entropyMask">[B, T] 1 for the tokens <c>top_entropy_quantile</c> keeps in the policy term, or null for all.</param>
    /// <param name="samplingWeights">[B, T] rollout–trainer importance weights (<see cref="RolloutImportanceCorrection"/>) multiplying the surrogate term, or null.</param>
    public static PolicyLossResult Compute(Tensor policyLogProbs, Tensor oldLogProbs, Tensor? referenceLogProbs,
        Tensor advantages, Tensor mask, PolicyLossSettings settings, Tensor? entropy = null, Tensor? entropyMask = null, Tensor? samplingWeights = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Masks and advantages may be built on the CPU; everything meets on the policy's device.
        var device = policyLogProbs.device;
        var m = mask.to_type(ScalarType.Float32).to(device);
        entropyMask = entropyMask?.to_type(ScalarType.Float32).to(device);
        var ratio = ImportanceWeights.LogWeights(policyLogProbs, oldLogProbs.detach(), m, settings.ImportanceSamplingLevel).exp();
        var a = advantages.to_type(ScalarType.Float32).to(device).unsqueeze(1);
        var perToken = settings.LossType switch
        {
            GrpoLossType.Cispo => SurrogateLosses.Cispo(ratio, a, policyLogProbs, settings.EpsilonHigh),
            GrpoLossType.Sapo => SurrogateLosses.Sapo(ratio, a, settings.SapoTemperaturePositive, settings.SapoTemperatureNegative),
            _ => SurrogateLosses.Clipped(ratio, a, settings.EpsilonLow, settings.EpsilonHigh, settings.Delta),
        };
        var keep = entropyMask is null ? m : m * entropyMask;
        if (entropyMask is not null) perToken = perToken * entropyMask;
        if (samplingWeights is not null) perToken = perToken * samplingWeights.detach().to(device); // issue 17, as TRL: before the KL term

        double kl = 0;
        if (settings.Beta != 0 && referenceLogProbs is not null)
        {
            var estimate = KlPenalty.Estimate(settings.KlEstimator, policyLogProbs, referenceLogProbs.detach());
            perToken = perToken.Plus(estimate.Times(settings.Beta));
            using (no_grad()) kl = MaskedMean(estimate, m);
        }

        long tokens = (long)m.sum().item<float>();
        int sequences = (int)policyLogProbs.shape[0];
        var masked = perToken * m;
        Tensor loss = settings.LossType switch
        {
            GrpoLossType.Grpo or GrpoLossType.Sapo => (masked.sum(1) / m.sum(1).clamp_min(HeldScalars.One)).sum().DividedBy(settings.TotalSequences ?? sequences),
            GrpoLossType.Dapo or GrpoLossType.Cispo => masked.sum().DividedBy(Math.Max(1, settings.TotalTokens ?? tokens)),
            GrpoLossType.DrGrpo => masked.sum().DividedBy((double)(settings.TotalSequences ?? sequences) * settings.MaxCompletionLength),
            GrpoLossType.Bnpo => masked.sum().DividedBy(Math.Max(1, tokens)).DividedBy(Math.Max(1, settings.MicroBatchCount)),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.LossType, "Unknown loss type."),
        };
        if (settings.EntropyCoefficient != 0 && entropy is not null)
        {
            // TRL: the bonus is the mean per-token entropy of the tokens in the policy term, whatever the reduction.
            long kept = settings.TotalEntropyTokens ?? (long)keep.sum().item<float>();
            loss = loss - (entropy * keep).sum().Times(settings.EntropyCoefficient).DividedBy(Math.Max(1, kept));
        }
        return Statistics(loss, kl, ratio, a, m, settings, tokens);
    }

    private static PolicyLossResult Statistics(Tensor loss, double kl, Tensor ratio, Tensor a, Tensor m, PolicyLossSettings settings, long tokens)
    {
        using var noGrad = no_grad();
        var r = ratio.detach();
        var means = new Dictionary<string, double>(StringComparer.Ordinal);
        double low = 0, high = 0, region = 0;
        if (settings.LossType == GrpoLossType.Cispo)
        {
            means["cispo_clip_ratio"] = MaskedMean((r.GreaterThan(settings.EpsilonHigh) & (a > HeldScalars.Zero)).to_type(ScalarType.Float32), m);
        }
        else if (settings.LossType != GrpoLossType.Sapo)
        {
            var isLow = r.LessThan(1 - settings.EpsilonLow) & (a < HeldScalars.Zero);
            var isHigh = r.GreaterThan(1 + settings.EpsilonHigh) & (a > HeldScalars.Zero);
            low = MaskedMean(isLow.to_type(ScalarType.Float32), m);
            high = MaskedMean(isHigh.to_type(ScalarType.Float32), m);
            region = MaskedMean((isLow | isHigh).to_type(ScalarType.Float32), m);
            if (settings.Delta is double delta)
                means["clip_ratio/delta_mean"] = MaskedMean((r.GreaterThan(delta) & (a < HeldScalars.Zero)).to_type(ScalarType.Float32), m);
        }
        IReadOnlyList<double> sequenceRatios = [];
        if (settings.ImportanceSamplingLevel == ImportanceSamplingLevel.Sequence)
        {
            var present = (m.sum(1) > HeldScalars.Zero).nonzero().squeeze(1);
            sequenceRatios = [.. r.squeeze(1).index_select(0, present).to_type(ScalarType.Float64).data<double>()];
        }
        return new PolicyLossResult(loss, kl, low, high, region, tokens) { TokenMeans = means, SequenceRatios = sequenceRatios };
    }

    private static double MaskedMean(Tensor values, Tensor mask)
    {
        double count = mask.sum().item<float>();
        return count == 0 ? 0 : (values * mask).sum().item<float>() / count;
    }
}
