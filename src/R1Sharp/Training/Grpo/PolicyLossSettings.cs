namespace R1Sharp.Training.Grpo;

/// <summary>The coefficients of the clipped GRPO surrogate for one loss computation.</summary>
/// <param name="LossType">How token terms are reduced (paper, DAPO or Dr. GRPO).</param>
/// <param name="EpsilonLow">Lower clip: the ratio is kept ≥ 1 − ε_low for negative advantages (paper 0.2).</param>
/// <param name="EpsilonHigh">Upper clip: the ratio is kept ≤ 1 + ε_high for positive advantages (paper 0.2; DAPO "clip-higher" 0.28).</param>
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
    long? TotalTokens = null);
