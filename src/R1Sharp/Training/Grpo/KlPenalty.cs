using R1Sharp.TorchInterop;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// Per-token estimators of KL(π_θ‖π_ref) from the log-probabilities of the sampled tokens (Schulman 2020,
/// "Approximating KL divergence"; veRL <c>core_algos.kl_penalty</c>), with x = log π_θ − log π_ref:
/// k1 = x, k2 = x²/2, k3 = e^(−x) + x − 1 (the GRPO paper's: unbiased for samples from π_θ and never negative), and
/// veRL's low_var_kl, k3 clamped to [−10, 10]. All [B, T]; differentiable in the policy log-probs.
/// </summary>
public static class KlPenalty
{
    /// <summary>k3 per token from log-probabilities of the sampled tokens under the policy and the reference.</summary>
    /// <param name="policyLogProbs">[B, T] log π_θ (with grad when training).</param>
    /// <param name="referenceLogProbs">[B, T] log π_ref (no grad).</param>
    public static Tensor K3(Tensor policyLogProbs, Tensor referenceLogProbs)
    {
        // Clamp the log-ratio: a token the reference finds far likelier would otherwise give exp() overflow
        // and one inf poisons the whole step. ±20 is far outside anything a healthy run reaches.
        var logRatio = (referenceLogProbs - policyLogProbs).ClampTo(-20, 20);
        return (logRatio.exp() - logRatio).Minus(1.0);
    }

    /// <summary>k1 = log π_θ − log π_ref per token: unbiased but noisy, and negative wherever π_ref is likelier.</summary>
    public static Tensor K1(Tensor policyLogProbs, Tensor referenceLogProbs) => policyLogProbs - referenceLogProbs;

    /// <summary>k2 = (log π_θ − log π_ref)² / 2 per token: biased, low variance, never negative.</summary>
    public static Tensor K2(Tensor policyLogProbs, Tensor referenceLogProbs) => (policyLogProbs - referenceLogProbs).pow(HeldScalars.Two).Times(0.5);

    /// <summary>veRL's low_var_kl: <see cref="K3"/> clamped to [−10, 10] (k3 is never negative, so in effect capped at 10).</summary>
    public static Tensor LowVarKl(Tensor policyLogProbs, Tensor referenceLogProbs) => K3(policyLogProbs, referenceLogProbs).ClampTo(-10, 10);

    /// <summary>The estimator <paramref name="kind"/> per token.</summary>
    public static Tensor Estimate(KlEstimator kind, Tensor policyLogProbs, Tensor referenceLogProbs) => kind switch
    {
        KlEstimator.K1 => K1(policyLogProbs, referenceLogProbs),
        KlEstimator.K2 => K2(policyLogProbs, referenceLogProbs),
        KlEstimator.K3 => K3(policyLogProbs, referenceLogProbs),
        KlEstimator.LowVarKl => LowVarKl(policyLogProbs, referenceLogProbs),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown KL estimator."),
    };
}
