using R1Sharp.TorchInterop;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// The log importance weight log(π_θ/π_old) the surrogate is built on: per token (the paper), or per completion as GSPO's
/// length-normalised sequence ratio, <c>log s_i = Σ_t m_{i,t} log(π_θ/π_old)_{i,t} / Σ_t m_{i,t}</c> (Zheng et al. 2025).
/// </summary>
public static class ImportanceWeights
{
    /// <summary>[B, T] at token level, [B, 1] at sequence level (broadcast over the completion's tokens).</summary>
    /// <param name="policyLogProbs">[B, T] log π_θ (with grad).</param>
    /// <param name="oldLogProbs">[B, T] log π_old (detached by the caller).</param>
    /// <param name="mask">[B, T] float mask of the tokens that count; a completion without any gets log-weight 0.</param>
    /// <param name="level">Token or sequence.</param>
    public static Tensor LogWeights(Tensor policyLogProbs, Tensor oldLogProbs, Tensor mask, ImportanceSamplingLevel level)
    {
        var logRatio = policyLogProbs - oldLogProbs;
        return level switch
        {
            ImportanceSamplingLevel.Token => logRatio,
            ImportanceSamplingLevel.Sequence => ((logRatio * mask).sum(1) / mask.sum(1).clamp_min(HeldScalars.One)).unsqueeze(1),
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown importance sampling level."),
        };
    }
}
