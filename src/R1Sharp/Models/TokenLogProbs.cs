using R1Sharp.TorchInterop;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// Per-token log-probabilities and entropies from logits, as the GRPO loss needs them, without materialising a
/// full [B, T, V] log-softmax: log p(y) = logit[y] - logsumexp(logits), computed in float32 a slice of rows at a
/// time when the logits are in a lower precision.
/// </summary>
public static class TokenLogProbs
{
    /// <summary>Rows (batch x positions) converted to float32 at once for bf16/f16 logits: bounds the extra memory.</summary>
    private const long RowsPerChunk = 1024;

    /// <summary>
    /// log softmax(logits)[..., target] as float32 [B, T]. Differentiable (the trainer's policy log-probs).
    /// </summary>
    /// <param name="logits">[B, T, V] in any float dtype.</param>
    /// <param name="targetIds">[B, T] token ids whose log-probability is wanted.</param>
    /// <param name="temperature">Divides the logits first (1 = the model's own distribution; TRL divides by the sampling temperature).</param>
    public static Tensor Gather(Tensor logits, Tensor targetIds, double temperature = 1.0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targetIds);
        if (logits.dim() != 3 || targetIds.dim() != 2 || logits.shape[0] != targetIds.shape[0] || logits.shape[1] != targetIds.shape[1])
            throw new ArgumentException($"logits [B, T, V] and targetIds [B, T] disagree: [{string.Join(", ", logits.shape)}] vs [{string.Join(", ", targetIds.shape)}]");
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive");
        using var scope = torch.NewDisposeScope();
        long b = logits.shape[0], t = logits.shape[1], v = logits.shape[2];
        var flat = logits.reshape(b * t, v);
        var targets = targetIds.reshape(b * t, 1).to(ScalarType.Int64, logits.device);
        Tensor result;
        if (flat.dtype == ScalarType.Float32 || flat.dtype == ScalarType.Float64)
        {
            result = RowLogProbs(flat, targets, temperature);
        }
        else
        {
            var parts = new List<Tensor>();
            for (long start = 0; start < b * t; start += RowsPerChunk)
            {
                long n = Math.Min(RowsPerChunk, b * t - start);
                parts.Add(RowLogProbs(flat.narrow(0, start, n).to(ScalarType.Float32), targets.narrow(0, start, n), temperature));
            }
            result = parts.Count == 1 ? parts[0] : torch.cat(parts, 0);
        }
        return result.reshape(b, t).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Entropy -sum p log p of each position's distribution, float32 [B, T]. Computed a slice of rows at a time
    /// (the probabilities are a [rows, V] temporary); differentiable, though trainers usually call it under no_grad.
    /// </summary>
    /// <param name="logits">[B, T, V] in any float dtype.</param>
    /// <param name="temperature">Divides the logits first.</param>
    public static Tensor Entropy(Tensor logits, double temperature = 1.0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.dim() != 3) throw new ArgumentException($"logits must be [B, T, V]; got [{string.Join(", ", logits.shape)}]", nameof(logits));
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive");
        using var scope = torch.NewDisposeScope();
        long b = logits.shape[0], t = logits.shape[1], v = logits.shape[2];
        var flat = logits.reshape(b * t, v);
        var parts = new List<Tensor>();
        for (long start = 0; start < b * t; start += RowsPerChunk)
        {
            long n = Math.Min(RowsPerChunk, b * t - start);
            var rows = flat.narrow(0, start, n).to(ScalarType.Float32);
            if (temperature != 1.0) rows = rows.DividedBy(temperature);
            var logZ = rows.logsumexp(1, keepdim: true);
            var p = (rows - logZ).exp();
            // H = log Z - sum p * logit
            parts.Add(logZ.squeeze(1) - (p * rows).sum(1));
        }
        var result = parts.Count == 1 ? parts[0] : torch.cat(parts, 0);
        return result.reshape(b, t).MoveToOuterDisposeScope();
    }

    private static Tensor RowLogProbs(Tensor rows, Tensor targets, double temperature)
    {
        if (temperature != 1.0) rows = rows.DividedBy(temperature);
        var picked = rows.gather(1, targets).squeeze(1);
        return picked - rows.logsumexp(1);
    }
}
