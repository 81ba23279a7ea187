namespace R1Sharp.Training.Grpo;

/// <summary>The coefficients of the clipped GRPO surrogate for one loss computation.</summary>
/// <param name="LossType">The per-token objective and how token terms are reduced (paper, DAPO, Dr. GRPO, BNPO, CISPO, SAPO).</param>
/// <param name="EpsilonLow">Lower clip: the ratio is kept ≥ 1 − ε_low for negative advantages (paper 0.2).</param>
/// <param name="EpsilonHigh">Upper clip: the ratio is kept ≤ 1 + ε_high for positive advantages (paper 0.2; DAPO "clip-higher" 0.28); for CISPO the cap ε_max on the weight itself.</param>
/// <param name="Beta">KL coefficient β (paper 0.001); 0 drops the KL term.</param>
/// <param name="MaxCompletionLength">The constant of Dr. GRPO's normaliser (tokens).</param>
/// <param name="TotalSequences">
/// Number of completions of the whole optimizer step, when one step is split into micro-batches (gradient
/// accumulation) so that summing the micro-batch losses gives the full-batch loss; null = this micro-batch's own count.
/// </param>
/// <param name="TotalTokens">As <paramref name="TotalSequences"/>, for the DAPO token count; null = this micro-batch's own count.</param>
public sealed record PolicyLossSettings(
    GrpoLossType LossType = GrpoLossType.Grpo,
    double EpsilonLow = 0.2,
    double EpsilonHigh = 0.2,
    double Beta = 0.001,
    int MaxCompletionLength = 256,
    int? TotalSequences = null,
    long? TotalTokens = null)
{
    // issue 20: GRPO family. The defaults leave the loss as it was.

    /// <summary>Token ratios (the paper) or GSPO's sequence ratio; the caller passes GSPO's clip range as ε_low/ε_high.</summary>
    public ImportanceSamplingLevel ImportanceSamplingLevel { get; init; } = ImportanceSamplingLevel.Token;

    /// <summary>Two-sided clipping δ (INTELLECT-2; veRL's dual clip <c>clip_ratio_c</c>), or null for none.</summary>
    public double? Delta { get; init; }

    /// <summary>SAPO's gate temperature for positive advantages.</summary>
    public double SapoTemperaturePositive { get; init; } = 1.0;

    /// <summary>SAPO's gate temperature for non-positive advantages.</summary>
    public double SapoTemperatureNegative { get; init; } = 1.05;

    /// <summary>The per-token KL estimator of the β term.</summary>
    public KlEstimator KlEstimator { get; init; } = KlEstimator.K3;

    /// <summary>Entropy bonus weight: the loss minus this times the mean entropy of the kept tokens.</summary>
    public double EntropyCoefficient { get; init; }

    /// <summary>Tokens the entropy bonus is averaged over in the whole step (kept by the entropy mask); null = this micro-batch's own.</summary>
    public long? TotalEntropyTokens { get; init; }

    /// <summary>Micro-batches of the step: BNPO normalises each by its own tokens and averages over them.</summary>
    public int MicroBatchCount { get; init; } = 1;
}
