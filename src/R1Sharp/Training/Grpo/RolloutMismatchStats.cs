using System.Globalization;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// Sums of the rollout–trainer mismatch over a step's micro-batches, written as TRL's metric names
/// (<c>sampling/sampling_logp_difference/mean|max</c>, <c>sampling/importance_sampling_ratio/min|mean|max</c>) plus
/// <c>sampling/importance_sampling_ratio/clip_fraction</c>: the share of ratios (tokens, or completions in the sequence
/// modes) above the cap, which the correction truncated or masked.
/// </summary>
public sealed class RolloutMismatchStats
{
    /// <summary>Sum of |log π_trainer − log π_sampler| over compared tokens.</summary>
    public double DeltaSum { get; private set; }

    /// <summary>Largest |log π_trainer − log π_sampler|.</summary>
    public double DeltaMax { get; private set; }

    /// <summary>Tokens compared (completion tokens with a sampled log-prob).</summary>
    public long Tokens { get; private set; }

    /// <summary>Sum of the ratios after truncation or masking.</summary>
    public double RatioSum { get; private set; }

    /// <summary>Smallest ratio after truncation or masking.</summary>
    public double RatioMin { get; private set; } = double.PositiveInfinity;

    /// <summary>Largest ratio after truncation or masking.</summary>
    public double RatioMax { get; private set; } = double.NegativeInfinity;

    /// <summary>Ratios counted: tokens in the token modes, completions in the sequence modes.</summary>
    public long Ratios { get; private set; }

    /// <summary>Ratios above the cap.</summary>
    public long Clipped { get; private set; }

    /// <summary>Adds one micro-batch's figures.</summary>
    public void Add(double deltaSum, double deltaMax, long tokens, double ratioSum, double ratioMin, double ratioMax, long ratios, long clipped)
    {
        if (tokens > 0)
        {
            DeltaSum += deltaSum;
            DeltaMax = Math.Max(DeltaMax, deltaMax);
            Tokens += tokens;
        }
        if (ratios > 0)
        {
            RatioSum += ratioSum;
            RatioMin = Math.Min(RatioMin, ratioMin);
            RatioMax = Math.Max(RatioMax, ratioMax);
            Ratios += ratios;
            Clipped += clipped;
        }
    }

    /// <summary>Writes the metrics (nothing when no token was compared, e.g. a server that returned no log-probs).</summary>
    public void WriteTo(IDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (Tokens == 0) return;
        metrics["sampling/sampling_logp_difference/mean"] = DeltaSum / Tokens;
        metrics["sampling/sampling_logp_difference/max"] = DeltaMax;
        if (Ratios == 0) return;
        metrics["sampling/importance_sampling_ratio/min"] = RatioMin;
        metrics["sampling/importance_sampling_ratio/mean"] = RatioSum / Ratios;
        metrics["sampling/importance_sampling_ratio/max"] = RatioMax;
        metrics["sampling/importance_sampling_ratio/clip_fraction"] = (double)Clipped / Ratios;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"|Δ log p| mean {(Tokens == 0 ? 0 : DeltaSum / Tokens):0.0000} max {DeltaMax:0.0000}, clipped {Clipped}/{Ratios}");
}
