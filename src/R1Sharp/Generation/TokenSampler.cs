using R1Sharp.TorchInterop;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Generation;

/// <summary>
/// Turns next-token logits into sampled tokens: temperature, then top-k, top-p (nucleus) and min-p, in that order
/// (transformers' warper order), then one draw per row from a caller-owned generator (<see cref="GumbelMaxDraw"/>).
/// </summary>
public static class TokenSampler
{
    /// <summary>
    /// The logits actually sampled from, float32 [N, V]: divided by the temperature, with -infinity outside the
    /// top-k set, outside the nucleus (smallest set of most likely tokens whose probability reaches top-p) and below
    /// min-p x the top probability. The most likely token is always kept. Greedy options return the logits unscaled.
    /// </summary>
    public static Tensor ProcessLogits(Tensor logits, SamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(options);
        using var scope = torch.NewDisposeScope();
        var x = logits.to(ScalarType.Float32);
        if (options.IsGreedy) return x.MoveToOuterDisposeScope();
        if (options.Temperature != 1.0) x = x.DividedBy(options.Temperature);
        long vocab = x.shape[^1];
        if (options.TopK > 0 && options.TopK < vocab)
        {
            var kth = x.topk(options.TopK, dim: -1).values.narrow(-1, options.TopK - 1, 1);
            x = x.masked_fill(x.lt(kth), HeldScalars.NegativeInfinity);
        }
        if (options.TopP < 1.0)
        {
            var (sorted, order) = x.sort(-1, descending: true);
            var probs = sorted.softmax(-1);
            // Mass strictly before each token (in descending order): the token belongs to the nucleus while that is < top_p.
            var before = probs.cumsum(-1) - probs;
            using var topP = options.TopP.ToScalar();
            var drop = before.ge(topP);
            var dropUnsorted = torch.zeros_like(drop).scatter(-1, order, drop);
            x = x.masked_fill(dropUnsorted, HeldScalars.NegativeInfinity);
        }
        if (options.MinP > 0)
        {
            var probs = x.softmax(-1);
            var threshold = probs.max(-1, keepdim: true).values.Times(options.MinP);
            x = x.masked_fill(probs.lt(threshold), HeldScalars.NegativeInfinity);
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One sampling step for N rows of logits [N, V]. Ids outside <see cref="SamplingOptions.SampleableIds"/> are masked
    /// first, so they are never picked and every reported log-prob is over the sampleable ids only.
    /// </summary>
    /// <returns>Sampled ids [N] (int64), their temperature-1 log-probs [N] and, when asked for, log-probs under <see cref="SamplingOptions.SamplingLogProbs"/>.</returns>
    public static (Tensor Tokens, Tensor LogProbs, Tensor? SamplingLogProbs) Sample(Tensor logits, SamplingOptions options, Generator? generator) =>
        SampleWith(logits, options, probabilities => GumbelMaxDraw.Draw(probabilities, generator));

    /// <summary>
    /// <see cref="Sample(Tensor, SamplingOptions, Generator?)"/> with the random draw left to <paramref name="draw"/>: it maps
    /// weights proportional to the processed probabilities [N, V] (exp(z − max z) per row, not normalised) to one id per
    /// row [N] (int64). Issue 17's per-group generators draw each group's rows
    /// from that group's own generator. Not called for greedy options.
    /// </summary>
    public static (Tensor Tokens, Tensor LogProbs, Tensor? SamplingLogProbs) SampleWith(Tensor logits, SamplingOptions options, Func<Tensor, Tensor> draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(options);
        using var scope = torch.NewDisposeScope();
        var raw = logits.to(ScalarType.Float32);
        if (options.SampleableIds is { } sampleable) raw = sampleable.Mask(raw);
        var processed = ProcessLogits(raw, options);
        Tensor tokens = options.IsGreedy
            ? raw.argmax(-1)
            : draw(Proportional(processed));
        var index = tokens.unsqueeze(-1);
        var logProbs = (raw.gather(-1, index).squeeze(-1) - raw.logsumexp(-1));
        // Without top-k, top-p or min-p the processed logits are raw / T, computed by the same division: reuse them (and,
        // at T = 1, the log-probs just taken) instead of another pass over [N, V]; the values are the same to the bit.
        bool unfiltered = !options.IsGreedy && options.TopK <= 0 && options.TopP >= 1.0 && options.MinP <= 0;
        Tensor? samplingLogProbs = options.SamplingLogProbs switch
        {
            SamplingLogProbKind.TemperatureScaled when unfiltered && options.Temperature == 1.0 => logProbs.clone(),
            SamplingLogProbKind.TemperatureScaled when unfiltered => LogProbOf(processed, index),
            SamplingLogProbKind.TemperatureScaled => LogProbOf(raw.DividedBy(options.Temperature), index),
            SamplingLogProbKind.Processed => options.IsGreedy ? torch.zeros_like(logProbs) : LogProbOf(processed, index),
            _ => null,
        };
        return (tokens.MoveToOuterDisposeScope(), logProbs.MoveToOuterDisposeScope(), samplingLogProbs?.MoveToOuterDisposeScope());
    }

    private static Tensor LogProbOf(Tensor logits, Tensor index) => logits.gather(-1, index).squeeze(-1) - logits.logsumexp(-1);

    // exp(z − max z) per row: proportional to the softmax, which the draw does not need normalised (GumbelMaxDraw,
    // multinomial). Why not softmax: in some processes libtorch's AVX-512 softmax kernel ran 20x slower than in others
    // (BENCHMARKS.md, data-parallel); the elementwise exp goes through another kernel.
    private static Tensor Proportional(Tensor logits)
    {
        using var max = logits.amax([-1], keepdim: true);
        return (logits - max).exp_();
    }
}
