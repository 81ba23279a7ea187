namespace R1Sharp.Training.LanguageModeling;

/// <summary>What one <see cref="CrossEntropyStep"/> did.</summary>
/// <param name="Loss">Mean cross-entropy per target token over all the step's micro-batches.</param>
/// <param name="GradNorm">Gradient norm before clipping.</param>
/// <param name="TargetTokens">Tokens that carried loss.</param>
/// <param name="RealTokens">Non-padding tokens processed.</param>
/// <param name="TotalTokens">Positions processed, padding included.</param>
/// <param name="RouterAuxLoss">A Qwen3-MoE model's load-balancing term added to the loss (coefficient included; <see cref="MoeRoutingTerms"/>), else null.</param>
public sealed record CrossEntropyStepResult(double Loss, double GradNorm, long TargetTokens, long RealTokens, long TotalTokens, double? RouterAuxLoss = null)
{
    /// <summary>Share of the positions that were padding (compute spent on nothing).</summary>
    public double PaddingShare => TotalTokens == 0 ? 0 : 1 - (double)RealTokens / TotalTokens;
}
