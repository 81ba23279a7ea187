using R1Sharp.TorchInterop;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// The routing rules as pure functions. Qwen3-MoE: softmax over the router logits in float32, the k largest
/// probabilities and their experts, renormalised to sum to 1 when <c>norm_topk_prob</c> is set (transformers'
/// <c>Qwen3MoeSparseMoeBlock.forward</c>). DeepSeek-V3: see <see cref="DeepseekTopK"/>.
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

    /// <summary>
    /// DeepSeek-V3's <c>MoEGate</c> in float32: scores s = sigmoid (or softmax) of the logits; with <c>noaux_tc</c> the
    /// choice uses s + <c>e_score_correction_bias</c>, each of the <c>n_group</c> groups is rated by the sum of its two
    /// best corrected scores, experts outside the <c>topk_group</c> best groups are excluded, and the k best corrected
    /// scores are chosen; with <c>greedy</c> the k best s. The weights are the chosen s without the bias, divided by
    /// their sum (+1e-20) when <c>norm_topk_prob</c> is set, times <c>routed_scaling_factor</c>.
    /// </summary>
    /// <returns>(weights [N, k] in <paramref name="dtype"/>, expert ids [N, k] int64).</returns>
    public static (Tensor Weights, Tensor Experts) DeepseekTopK(Tensor routerLogits, Tensor correctionBias, DeepseekMoeSettings settings, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var logits = routerLogits.to(ScalarType.Float32);
        var scores = settings.ScoringFunc == DeepseekMoeSettings.Sigmoid ? logits.sigmoid() : logits.softmax(-1);
        Tensor experts;
        if (settings.GroupLimited)
        {
            long n = scores.shape[0];
            var choice = scores.Plus(correctionBias.to(ScalarType.Float32).unsqueeze(0));
            var groupScores = choice.view(n, settings.NGroup, -1).topk(2, dim: -1).values.sum(-1);                  // [N, groups]
            var groups = groupScores.topk(settings.TopkGroup, dim: -1).indexes;
            var keep = torch.zeros_like(groupScores, ScalarType.Bool).scatter(1, groups, torch.ones_like(groups, ScalarType.Bool));
            var keepExperts = keep.unsqueeze(-1).expand(n, settings.NGroup, settings.NRoutedExperts / settings.NGroup).reshape(n, -1);
            experts = choice.masked_fill(keepExperts.logical_not(), HeldScalars.NegativeInfinity).topk(settings.NumExpertsPerToken, dim: -1).indexes;
        }
        else experts = scores.topk(settings.NumExpertsPerToken, dim: -1).indexes;
        var weights = scores.gather(1, experts);
        if (settings.NormTopKProb && settings.NumExpertsPerToken > 1) weights = weights / weights.sum(-1, keepdim: true).Plus(1e-20);
        weights = weights.Times(settings.RoutedScalingFactor);
        return (weights.to(dtype).MoveToOuterDisposeScope(), experts.MoveToOuterDisposeScope());
    }
}
