using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// Per-token log-probabilities (and entropies) straight from final hidden states, a chunk of positions at a time:
/// output projection → log-softmax → gather per chunk, so the [B, T, V] logits tensor never exists, in forward or in
/// backward (the backward recomputes each chunk's logits, as Liger's fused linear cross-entropy does). Values equal
/// <see cref="TokenLogProbs"/> applied to the full logits; memory is one [chunk, V] float32 block instead of [B·T, V].
/// </summary>
public static class ChunkedTokenLogProbs
{
    /// <summary>log softmax(hidden · weightᵀ / temperature)[target] as float32 [B, T]; differentiable in hidden and weight.</summary>
    /// <param name="hidden">Final hidden states [B, T, H].</param>
    /// <param name="weight">Output projection [V, H] (<see cref="CausalLanguageModel.OutputWeight"/>).</param>
    /// <param name="targetIds">[B, T] token ids whose log-probability is wanted.</param>
    /// <param name="temperature">Divides the logits first (1 = the model's own distribution).</param>
    /// <param name="chunkSize">Positions (rows of B·T) projected at once.</param>
    public static Tensor Gather(Tensor hidden, Tensor weight, Tensor targetIds, double temperature, int chunkSize) =>
        GatherWithEntropy(hidden, weight, targetIds, temperature, chunkSize, withEntropy: false).LogProbs;

    /// <summary><see cref="Gather(Tensor, Tensor, Tensor, double, int)"/>, writing each chunk's logits into blocks of <paramref name="scratch"/>.</summary>
    internal static Tensor Gather(Tensor hidden, Tensor weight, Tensor targetIds, double temperature, int chunkSize, LogitScratch scratch) =>
        GatherWithEntropy(hidden, weight, targetIds, temperature, chunkSize, withEntropy: false, scratch).LogProbs;

    /// <summary>
    /// <see cref="Gather(Tensor, Tensor, Tensor, double, int)"/>, and when <paramref name="withEntropy"/> also each position's entropy at the temperature
    /// (float32 [B, T], no gradient) from the same chunk of logits, so the metric costs no second projection.
    /// </summary>
    public static (Tensor LogProbs, Tensor? Entropy) GatherWithEntropy(Tensor hidden, Tensor weight, Tensor targetIds, double temperature, int chunkSize, bool withEntropy)
    {
        // A scratch of the call's own: its chunks share one block, which is freed when the call (and, for the backward's
        // block, the backward) is done. A model's own scratch keeps blocks between calls (the internal overload).
        using var scratch = new LogitScratch();
        return GatherWithEntropy(hidden, weight, targetIds, temperature, chunkSize, withEntropy, scratch);
    }

    /// <summary><see cref="GatherWithEntropy(Tensor, Tensor, Tensor, double, int, bool)"/>, writing each chunk's logits into blocks of <paramref name="scratch"/>.</summary>
    internal static (Tensor LogProbs, Tensor? Entropy) GatherWithEntropy(Tensor hidden, Tensor weight, Tensor targetIds, double temperature, int chunkSize, bool withEntropy, LogitScratch scratch)
    {
        Check(hidden, weight, temperature, chunkSize);
        ArgumentNullException.ThrowIfNull(targetIds);
        if (targetIds.dim() != 2 || targetIds.shape[0] != hidden.shape[0] || targetIds.shape[1] != hidden.shape[1])
            throw new ArgumentException($"hidden [B, T, H] and targetIds [B, T] disagree: [{string.Join(", ", hidden.shape)}] vs [{string.Join(", ", targetIds.shape)}]");
        long b = hidden.shape[0], t = hidden.shape[1];
        using var scope = NewDisposeScope();
        var flat = hidden.reshape(b * t, hidden.shape[2]);
        var targets = targetIds.reshape(b * t).to(ScalarType.Int64, hidden.device);
        var entropy = withEntropy ? empty([b * t], ScalarType.Float32, hidden.device) : null;
        var result = entropy is null
            ? ChunkedLogProbFunction.apply(flat, weight, targets, temperature, chunkSize, scratch)
            : ChunkedLogProbFunction.apply(flat, weight, targets, temperature, chunkSize, scratch, entropy);
        return (result.reshape(b, t).MoveToOuterDisposeScope(), entropy?.reshape(b, t).MoveToOuterDisposeScope());
    }

    /// <summary>Entropy of each position's distribution at <paramref name="temperature"/>, float32 [B, T], without gradients.</summary>
    /// <param name="hidden">Final hidden states [B, T, H].</param>
    /// <param name="weight">Output projection [V, H].</param>
    /// <param name="temperature">Divides the logits first.</param>
    /// <param name="chunkSize">Positions projected at once.</param>
    public static Tensor Entropy(Tensor hidden, Tensor weight, double temperature, int chunkSize)
    {
        Check(hidden, weight, temperature, chunkSize);
        long b = hidden.shape[0], t = hidden.shape[1];
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var flat = hidden.reshape(b * t, hidden.shape[2]);
        var parts = new List<Tensor>();
        for (long start = 0; start < b * t; start += chunkSize)
        {
            // Each chunk's [n, V] temporaries are freed before the next chunk: only the [n] entropies are kept.
            using var chunk = NewDisposeScope();
            long n = Math.Min(chunkSize, b * t - start);
            var logits = ChunkedLogProbFunction.Logits(flat.narrow(0, start, n), weight, temperature);
            var logZ = logits.logsumexp(1, keepdim: true);
            parts.Add((logZ.squeeze(1) - ((logits - logZ).exp_().mul_(logits)).sum(1)).MoveToOuterDisposeScope());
        }
        var result = parts.Count == 1 ? parts[0] : cat(parts, 0);
        return result.reshape(b, t).MoveToOuterDisposeScope();
    }

    private static void Check(Tensor hidden, Tensor weight, double temperature, int chunkSize)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(weight);
        if (hidden.dim() != 3) throw new ArgumentException($"hidden must be [B, T, H]; got [{string.Join(", ", hidden.shape)}]", nameof(hidden));
        if (weight.dim() != 2 || weight.shape[1] != hidden.shape[2])
            throw new ArgumentException($"weight must be [V, {hidden.shape[2]}]; got [{string.Join(", ", weight.shape)}]", nameof(weight));
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive");
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
    }
}
