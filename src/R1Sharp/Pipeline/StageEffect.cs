using R1Sharp.Evaluation.Metrics;

namespace R1Sharp.Pipeline;

/// <summary>A stage's effect on one quantity: its model minus the previous stage's, with a paired bootstrap interval.</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Quantity">pass1, language_consistency, rm_score or mean_length.</param>
/// <param name="Change">Difference and 95% interval, paired over held-out problems (chat prompts for rm_score).</param>
/// <param name="PaperDirection">"up" or "down" when the paper names the stage's effect on this quantity, else null.</param>
/// <param name="AsInPaper">When <paramref name="PaperDirection"/> is set: the whole interval lies on the paper's side of 0.</param>
public sealed record StageEffect(string Stage, string Quantity, PairedDifference Change, string? PaperDirection, bool? AsInPaper);
