using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// The per-token KL estimator of the GRPO paper ("k3", Schulman 2020):
/// <c>π_ref/π_θ − log(π_ref/π_θ) − 1</c>, unbiased for KL(π_θ‖π_ref) under samples from π_θ and never negative.
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
        var logRatio = (referenceLogProbs - policyLogProbs).clamp(-20, 20);
        return logRatio.exp() - logRatio - 1;
    }
}
