namespace R1Sharp.Training.LanguageModeling;

/// <summary>What one <see cref="CrossEntropyStep"/> did.</summary>
/// <param name="Loss">Mean cross-entropy per target token over all the step's micro-batches.</param>
/// <param name="GradNorm">Gradient norm before clipping.</param>
/// <param name="TargetTokens">Tokens that carried loss.</param>
/// <param name="RealTokens">Non-padding tokens processed.</param>
/// <param name="TotalTokens">Positions processed, padding included.</param>
public sealed record CrossEntropyStepResult(double Loss, double GradNorm, long TargetTokens, long RealTokens, long TotalTokens)
{
    /// <summary>Share of the positions that were padding (compute spent on nothing).</summary>
    public double PaddingShare => TotalTokens == 0 ? 0 : 1 - (double)RealTokens / TotalTokens;
}
