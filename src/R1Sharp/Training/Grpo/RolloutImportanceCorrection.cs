using R1Sharp.TorchInterop;
using R1Sharp.Training.Rollouts;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// Corrects for rollouts drawn by another implementation of the policy (vLLM, SGLang: other kernels, other precision), as
/// TRL's <c>vllm_importance_sampling_correction</c> does (truncated importance sampling, Yao et al. 2025, "Your efficient RL
/// framework secretly brings you off-policy RL training"). With the trainer's log-probs of the sampled tokens under π_old
/// and the sampler's own, the ratio is <c>ρ = exp(log π_old − log π_sampler)</c> per token, or per completion
/// <c>exp(Σ_t (log π_old − log π_sampler))</c>; above the cap C it is truncated to C or masked to 0
/// (<see cref="ImportanceSamplingMode"/>). The weights multiply each token's clipped-surrogate term (not the KL term) and carry no
/// gradient. Tokens without a sampled log-prob (padding, a server that returned none) get weight 1 and are left out of the
/// statistics.
/// </summary>
public static class RolloutImportanceCorrection
{
    /// <summary>Per-token weights [B, T] (float32, no grad).</summary>
    /// <param name="trainerLogProbs">[B, T] log π_old of the sampled tokens as the trainer computes them.</param>
    /// <param name="samplingLogProbs">[B, T] the sampler's log-probs of the same tokens (anything where <paramref name="available"/> is 0).</param>
    /// <param name="available">[B, T] 1 for tokens that count in the loss and have a sampled log-prob, else 0.</param>
    /// <param name="mode">Token or sequence ratio, truncated or masked.</param>
    /// <param name="cap">C, the largest ratio kept (&gt; 0).</param>
    /// <param name="stats">Receives the mismatch figures of these tokens (optional).</param>
    public static Tensor Weights(Tensor trainerLogProbs, Tensor samplingLogProbs, Tensor available, ImportanceSamplingMode mode, double cap, RolloutMismatchStats? stats = null)
    {
        ArgumentNullException.ThrowIfNull(trainerLogProbs);
        ArgumentNullException.ThrowIfNull(samplingLogProbs);
        ArgumentNullException.ThrowIfNull(available);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(cap, 0);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var m = available.to_type(ScalarType.Float32);
        var diff = (trainerLogProbs.detach().to_type(ScalarType.Float32) - samplingLogProbs.to_type(ScalarType.Float32)) * m;
        bool sequence = mode is ImportanceSamplingMode.SequenceTruncate or ImportanceSamplingMode.SequenceMask;
        var counted = sequence ? m.sum(1, keepdim: true) > HeldScalars.Zero : m > HeldScalars.Zero; // [B, 1] or [B, T]
        // Clamped before exp so one absurd log-ratio cannot overflow; e^±50 is far outside any cap.
        var raw = (sequence ? diff.sum(1, keepdim: true) : diff).ClampTo(-50, 50).exp();
        var above = raw.GreaterThan(cap);
        var bounded = mode is ImportanceSamplingMode.TokenTruncate or ImportanceSamplingMode.SequenceTruncate
            ? raw.ClampAbove(cap)
            : raw.masked_fill(above, HeldScalars.Zero);
        var ratio = where(counted, bounded, ones_like(bounded));
        if (stats is not null) Record(stats, diff.abs(), m, ratio, counted, above);
        return ratio.expand_as(trainerLogProbs).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The sampler's log-probs of rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) laid out as
    /// <see cref="TrainingRows"/> lays out their tokens (completion token t in column t), with the mask of the tokens that
    /// have one: a rollout without log-probs, or with a count that differs from its tokens', has none.
    /// </summary>
    public static (Tensor LogProbs, Tensor Available) SamplingLogProbs(IReadOnlyList<Rollout> rollouts, int start, int count, int width, Device device)
    {
        ArgumentNullException.ThrowIfNull(rollouts);
        var values = new float[count * width];
        var available = new float[count * width];
        for (int i = 0; i < count; i++)
        {
            var r = rollouts[start + i];
            if (r.LogProbs is not { } lp || lp.Length != r.Tokens.Length) continue;
            for (int t = 0; t < Math.Min(width, lp.Length); t++)
            {
                values[i * width + t] = lp[t];
                available[i * width + t] = 1;
            }
        }
        return (tensor(values, [count, width]).to(device), tensor(available, [count, width]).to(device));
    }

    private static void Record(RolloutMismatchStats stats, Tensor absDiff, Tensor m, Tensor ratio, Tensor counted, Tensor above)
    {
        long tokens = (long)m.sum().item<float>();
        var selected = ratio.masked_select(counted);
        long ratios = selected.numel();
        stats.Add(
            (absDiff * m).sum().item<float>(),
            tokens == 0 ? 0 : absDiff.masked_select(m > HeldScalars.Zero).max().item<float>(),
            tokens,
            ratios == 0 ? 0 : selected.sum().item<float>(),
            ratios == 0 ? 0 : selected.min().item<float>(),
            ratios == 0 ? 0 : selected.max().item<float>(),
            ratios,
            (long)(above & counted).sum().item<long>());
    }
}
