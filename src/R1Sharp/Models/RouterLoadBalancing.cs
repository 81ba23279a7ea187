using R1Sharp.TorchInterop;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// The Switch-Transformer load-balancing loss as transformers computes it for Qwen3-MoE
/// (<c>load_balancing_loss_func</c>): with the router logits of every sparse layer stacked into [N, E], p = softmax,
/// f[j, e] = share of tokens whose j-th choice is expert e, P[e] = mean probability of e, and
/// loss = E · Σ_j Σ_e f[j, e] · P[e]. Uniform routing gives k (the loss's minimum for k choices); training adds
/// <c>router_aux_loss_coef</c> × loss. Only P carries a gradient (f comes from a top-k). With a token mask, padding
/// positions are left out of both means, as transformers does with the attention mask.
/// </summary>
public static class RouterLoadBalancing
{
    /// <summary>The loss over the router logits [tokens, experts] of each sparse layer (concatenated over layers first).</summary>
    /// <param name="routerLogits">Each sparse layer's router logits [N, E] (the same N tokens in every layer).</param>
    /// <param name="expertsPerToken">k, the experts each token is routed to.</param>
    /// <param name="tokenMask">Optional [N] or [B, T] (B·T = N) of 1 (token) / 0 (padding); null counts every row.</param>
    /// <exception cref="ArgumentException">No logits, layers with different expert counts, or a mask of another size.</exception>
    public static Tensor Loss(IReadOnlyList<Tensor> routerLogits, int expertsPerToken, Tensor? tokenMask = null)
    {
        ArgumentNullException.ThrowIfNull(routerLogits);
        if (routerLogits.Count == 0) throw new ArgumentException("no router logits: the model has no sparse layer or none ran", nameof(routerLogits));
        using var scope = NewDisposeScope();
        var logits = cat(routerLogits.Select(l => l.reshape(-1, l.shape[^1]).to(ScalarType.Float32)).ToArray(), 0);
        long experts = logits.shape[1];
        var probabilities = logits.softmax(-1);
        var chosen = probabilities.topk(expertsPerToken, dim: -1).indexes;
        var mask = nn.functional.one_hot(chosen, experts).to(ScalarType.Float32);   // [N, k, E]
        Tensor tokensPerExpert, probabilityPerExpert;
        if (tokenMask is null)
        {
            tokensPerExpert = mask.mean([0L]);                                      // [k, E]
            probabilityPerExpert = probabilities.mean([0L]);                        // [E]
        }
        else
        {
            var weight = tokenMask.reshape(-1).to(ScalarType.Float32, logits.device).repeat(routerLogits.Count);
            if (weight.shape[0] != logits.shape[0])
                throw new ArgumentException($"the token mask covers {weight.shape[0] / routerLogits.Count} tokens but the router logits {logits.shape[0] / routerLogits.Count}", nameof(tokenMask));
            var count = weight.sum().clamp_min(HeldScalars.One);
            tokensPerExpert = (mask * weight.view(-1, 1, 1)).sum([0L]) / count;
            probabilityPerExpert = (probabilities * weight.view(-1, 1)).sum([0L]) / count;
        }
        var loss = (tokensPerExpert * probabilityPerExpert.unsqueeze(0)).sum().Times(experts);
        return loss.MoveToOuterDisposeScope();
    }
}
