namespace R1Sharp.Training.Grpo;

/// <summary>
/// Adds up the statistics of one optimizer pass's micro-batch losses into the step's metrics (TRL names): per-token
/// shares weighted by each micro-batch's share of the step's loss tokens, the loss summed, GSPO's sequence ratios
/// pooled. One instance per pass over the step (<c>num_iterations</c> passes: the last one is reported).
/// </summary>
public sealed class PolicyLossMetrics
{
    private readonly Dictionary<string, double> _weighted = new(StringComparer.Ordinal);
    private readonly List<double> _sequenceRatios = [];
    private double _loss;

    /// <summary>Metric names every step reports, with 0 when the step had nothing to train on.</summary>
    public static IReadOnlyList<string> AlwaysReported { get; } =
        ["loss", "kl", "clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean"];

    /// <summary>Adds one micro-batch's result.</summary>
    /// <param name="result">The micro-batch's loss and statistics.</param>
    /// <param name="loss">Its loss value.</param>
    /// <param name="share">Its loss tokens ÷ the step's loss tokens.</param>
    public void Add(PolicyLossResult result, double loss, double share)
    {
        ArgumentNullException.ThrowIfNull(result);
        _loss += loss;
        Weigh("kl", result.Kl, share);
        Weigh("clip_ratio/low_mean", result.ClipLowMean, share);
        Weigh("clip_ratio/high_mean", result.ClipHighMean, share);
        Weigh("clip_ratio/region_mean", result.ClipRegionMean, share);
        foreach (var (name, value) in result.TokenMeans) Weigh(name, value, share);
        _sequenceRatios.AddRange(result.SequenceRatios);
    }

    /// <summary>Writes the pass's metrics into <paramref name="metrics"/>.</summary>
    public void WriteTo(IDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        metrics["loss"] = _loss;
        foreach (var (name, value) in _weighted) metrics[name] = value;
        if (_sequenceRatios.Count > 0)
        {
            metrics["sequence_ratio/mean"] = _sequenceRatios.Average();
            metrics["sequence_ratio/min"] = _sequenceRatios.Min();
            metrics["sequence_ratio/max"] = _sequenceRatios.Max();
        }
    }

    private void Weigh(string name, double value, double share) => _weighted[name] = _weighted.GetValueOrDefault(name) + value * share;
}
