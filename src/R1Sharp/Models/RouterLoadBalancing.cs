using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// The Switch-Transformer load-balancing loss as transformers computes it for Qwen3-MoE
/// (<c>load_balancing_loss_func</c>): with the router logits of every sparse layer stacked into [N, E], p = softmax,
/// f[j, e] = share of tokens whose j-th choice is expert e, P[e] = mean probability of e, and
/// loss = E · Σ_j Σ_e f[j, e] · P[e]. Uniform routing gives k (the loss's minimum for k choices); training adds
/// <c>router_aux_loss_coef</c> × loss. Only P carries a gradient (f comes from a top-k).
/// </summary>
public static class RouterLoadBalancing
{
    /// <summary>The loss over the router logits [tokens, experts] of each sparse layer (concatenated over layers first).</summary>
    /// <exception cref="ArgumentException">No logits, or layers with different expert counts.</exception>
    public static Tensor Loss(IReadOnlyList<Tensor> routerLogits, int expertsPerToken)
    {
        ArgumentNullException.ThrowIfNull(routerLogits);
        if (routerLogits.Count == 0) throw new ArgumentException("no router logits: the model has no sparse layer or none ran", nameof(routerLogits));
        using var scope = NewDisposeScope();
        var logits = cat(routerLogits.Select(l => l.reshape(-1, l.shape[^1]).to(ScalarType.Float32)).ToArray(), 0);
        long experts = logits.shape[1];
        var probabilities = logits.softmax(-1);
        var chosen = probabilities.topk(expertsPerToken, dim: -1).indexes;
        var mask = nn.functional.one_hot(chosen, experts).to(ScalarType.Float32);   // [N, k, E]
        var tokensPerExpert = mask.mean([0L]);                                      // [k, E]
        var probabilityPerExpert = probabilities.mean([0L]);                        // [E]
        var loss = (tokensPerExpert * probabilityPerExpert.unsqueeze(0)).sum() * experts;
        return loss.MoveToOuterDisposeScope();
    }
}
