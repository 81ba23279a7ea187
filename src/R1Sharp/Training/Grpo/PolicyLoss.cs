using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// The clipped GRPO surrogate with optional k3 KL, reduced by one of the paper / DAPO / Dr. GRPO modes.
/// Per token: <c>−min(ρA, clip(ρ, 1−ε_low, 1+ε_high)A) + β·k3</c> with <c>ρ = exp(log π_θ − log π_old)</c>.
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
    /// <param name="samplingWeights">[B, T] rollout–trainer importance weights (<see cref="RolloutImportanceCorrection"/>) multiplying the surrogate term, or null.</param>
    public static PolicyLossResult Compute(Tensor policyLogProbs, Tensor oldLogProbs, Tensor? referenceLogProbs,
        Tensor advantages, Tensor mask, PolicyLossSettings settings, Tensor? samplingWeights = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var m = mask.to_type(ScalarType.Float32);
        var ratio = (policyLogProbs - oldLogProbs.detach()).exp();
        var a = advantages.to_type(ScalarType.Float32).unsqueeze(1);
        var unclipped = ratio * a;
        var clipped = ratio.clamp(1 - settings.EpsilonLow, 1 + settings.EpsilonHigh) * a;
        var perToken = -minimum(unclipped, clipped);
        if (samplingWeights is not null) perToken = perToken * samplingWeights.detach(); // issue 17, as TRL: before the KL term

        double kl = 0;
        if (settings.Beta != 0 && referenceLogProbs is not null)
        {
            var k3 = KlPenalty.K3(policyLogProbs, referenceLogProbs.detach());
            perToken = perToken + settings.Beta * k3;
            using (no_grad()) kl = MaskedMean(k3, m);
        }

        long tokens = (long)m.sum().item<float>();
        int sequences = (int)policyLogProbs.shape[0];
        var masked = perToken * m;
        Tensor loss = settings.LossType switch
        {
            GrpoLossType.Grpo => (masked.sum(1) / m.sum(1).clamp_min(1)).sum() / (settings.TotalSequences ?? sequences),
            GrpoLossType.Dapo => masked.sum() / Math.Max(1, settings.TotalTokens ?? tokens),
            GrpoLossType.DrGrpo => masked.sum() / ((double)(settings.TotalSequences ?? sequences) * settings.MaxCompletionLength),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.LossType, "Unknown loss type."),
        };

        double low, high, region;
        using (no_grad())
        {
            var r = ratio.detach();
            var isLow = (r < 1 - settings.EpsilonLow) & (a < 0);
            var isHigh = (r > 1 + settings.EpsilonHigh) & (a > 0);
            low = MaskedMean(isLow.to_type(ScalarType.Float32), m);
            high = MaskedMean(isHigh.to_type(ScalarType.Float32), m);
            region = MaskedMean((isLow | isHigh).to_type(ScalarType.Float32), m);
        }
        return new PolicyLossResult(loss, kl, low, high, region, tokens);
    }

    private static double MaskedMean(Tensor values, Tensor mask)
    {
        double count = mask.sum().item<float>();
        return count == 0 ? 0 : (values * mask).sum().item<float>() / count;
    }
}
