using R1Sharp.TorchInterop;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// "Beyond the 80/20 rule" (Wang et al. 2025): the policy gradient only on the top-ρ share of tokens by the entropy of
/// their position's distribution, the "forking" tokens where the reasoning path is decided (TRL's
/// <c>top_entropy_quantile</c>). Pure functions: the threshold over a set of tokens, then the mask it gives.
/// </summary>
public static class EntropyMask
{
    /// <summary>
    /// The (1 − ρ)-quantile of the entropies of the tokens where <paramref name="mask"/> is set (torch.quantile, linear
    /// interpolation, as TRL): tokens at or above it are the top ρ. ρ = 1 gives the smallest entropy (every token kept),
    /// ρ = 0 the largest (only the highest-entropy token(s)). +∞ when no token counts.
    /// </summary>
    /// <param name="entropies">Entropies of any shape.</param>
    /// <param name="mask">Same shape; non-zero where the token counts.</param>
    /// <param name="quantile">ρ, the share of tokens to keep, in [0, 1].</param>
    public static double Threshold(Tensor entropies, Tensor mask, double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        using var scope = NewDisposeScope();
        var values = entropies.to_type(ScalarType.Float64).masked_select(mask.to_type(ScalarType.Bool));
        if (values.numel() == 0) return double.PositiveInfinity;
        return values.quantile(1 - quantile).item<double>();
    }

    /// <summary>1 where the token counts and its entropy is at least <paramref name="threshold"/>, else 0 (float32).</summary>
    public static Tensor Keep(Tensor entropies, Tensor mask, double threshold)
    {
        using var thresholdScalar = threshold.ToScalar();
        return ((entropies.to_type(ScalarType.Float64) >= thresholdScalar) & mask.to_type(ScalarType.Bool)).to_type(ScalarType.Float32);
    }
}
