using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// Qwen3-MoE's routing rule as a pure function: softmax over the router logits in float32, the k largest
/// probabilities and their experts, renormalised to sum to 1 when <c>norm_topk_prob</c> is set
/// (transformers' <c>Qwen3MoeSparseMoeBlock.forward</c>).
/// </summary>
internal static class ExpertRouter
{
    /// <summary>Router logits [N, experts] -> (weights [N, k] in <paramref name="dtype"/>, expert ids [N, k] int64).</summary>
    public static (Tensor Weights, Tensor Experts) SoftmaxTopK(Tensor routerLogits, int k, bool normalize, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var probabilities = routerLogits.to(ScalarType.Float32).softmax(-1);
        var (weights, experts) = probabilities.topk(k, dim: -1);
        if (normalize) weights = weights / weights.sum(-1, keepdim: true);
        return (weights.to(dtype).MoveToOuterDisposeScope(), experts.MoveToOuterDisposeScope());
    }
}
