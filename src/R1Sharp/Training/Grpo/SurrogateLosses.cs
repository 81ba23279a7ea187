using R1Sharp.TorchInterop;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// The per-token policy terms of the GRPO family (veRL <c>core_algos</c> style: one pure function per objective, shapes
/// broadcast: the ratio is [B, T] or [B, 1] at sequence level, the advantage [B, 1]). Each returns the loss to
/// minimise per token, before masking and reduction (<see cref="PolicyLoss"/>).
/// </summary>
public static class SurrogateLosses
{
    /// <summary>
    /// PPO/GRPO's clipped surrogate <c>−min(ρA, clip(ρ, 1−ε_low, 1+ε_high)A)</c>; with <paramref name="delta"/> the
    /// unclipped ratio is first capped at δ (two-sided clipping, INTELLECT-2), which for A &lt; 0 is veRL's dual clip
    /// <c>clip_ratio_c</c>: the loss of a token whose ratio ran above δ is bounded by −δA.
    /// </summary>
    public static Tensor Clipped(Tensor ratio, Tensor advantages, double epsilonLow, double epsilonHigh, double? delta)
    {
        var clipped = ratio.ClampTo(1 - epsilonLow, 1 + epsilonHigh) * advantages;
        var unclipped = (delta is double d ? ratio.ClampAbove(d) : ratio) * advantages;
        return -minimum(unclipped, clipped);
    }

    /// <summary>
    /// CISPO (MiniMax-M1, 2025), as TRL writes it: <c>−sg(min(ρ, ε_max))·A·log π_θ</c>. The clipped weight is detached, so
    /// the gradient is <c>−min(ρ, ε_max)·A·∇log π_θ</c>: never zero for a clipped token, unlike PPO's clip.
    /// </summary>
    /// <param name="ratio">Importance weight ([B, T] or [B, 1]).</param>
    /// <param name="advantages">[B, 1].</param>
    /// <param name="policyLogProbs">[B, T] log π_θ (with grad).</param>
    /// <param name="cap">ε_max, the upper bound of the weight (TRL's epsilon_high for cispo).</param>
    public static Tensor Cispo(Tensor ratio, Tensor advantages, Tensor policyLogProbs, double cap) =>
        -(ratio.ClampAbove(cap).detach() * advantages) * policyLogProbs;

    /// <summary>
    /// SAPO (Soft Adaptive Policy Optimization, 2025): <c>−(4/τ)·σ(τ(ρ − 1))·A</c> with τ = τ_pos where A &gt; 0, τ_neg
    /// otherwise. Its gradient is <c>−4σ(1−σ)·ρ·A·∇log π_θ</c>: exactly GRPO's at ρ = 1, fading smoothly as ρ leaves 1
    /// instead of dropping to zero at a hard bound.
    /// </summary>
    public static Tensor Sapo(Tensor ratio, Tensor advantages, double temperaturePositive, double temperatureNegative)
    {
        var tau = (advantages > HeldScalars.Zero).to_type(ScalarType.Float32).Times(temperaturePositive - temperatureNegative).Plus(temperatureNegative);
        return -(sigmoid(tau * ratio.Minus(1.0)).Times(4.0) / tau) * advantages;
    }
}
