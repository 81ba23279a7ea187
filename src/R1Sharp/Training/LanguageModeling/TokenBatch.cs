using static TorchSharp.torch;

namespace R1Sharp.Training.LanguageModeling;

/// <summary>
/// One micro-batch as tensors. Created inside the caller's dispose scope.
/// </summary>
/// <param name="InputIds">[B, T] token ids (pad id after the last sample of a row).</param>
/// <param name="PositionIds">[B, T] positions, restarting at 0 for every sample in a row.</param>
/// <param name="Labels">[B, T] the id each position must predict (the next token of the same sample when that
/// token is an assistant token), else <see cref="TokenBatchCollator.IgnoreLabel"/>.</param>
/// <param name="AttentionMask">[B, 1, T, T] boolean, true where query position q may attend to key k: same sample
/// and k &lt;= q (block-diagonal causal). Padding attends only to itself so no row is empty.</param>
/// <param name="PaddingMask">[B, T] 1 for real tokens, 0 for padding (for models that take a 2-D mask; valid
/// only when each row holds one sample).</param>
/// <param name="TargetTokens">Number of labels that carry loss.</param>
/// <param name="RealTokens">Non-padding tokens.</param>
/// <param name="TotalTokens">B × T.</param>
public sealed record TokenBatch(Tensor InputIds, Tensor PositionIds, Tensor Labels, Tensor AttentionMask, Tensor PaddingMask,
    long TargetTokens, long RealTokens, long TotalTokens)
{
    /// <summary>Share of the batch's positions that are padding (compute spent on nothing).</summary>
    public double PaddingShare => TotalTokens == 0 ? 0 : 1 - (double)RealTokens / TotalTokens;
}
