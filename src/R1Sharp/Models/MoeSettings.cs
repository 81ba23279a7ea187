namespace R1Sharp.Models;

/// <summary>
/// The sparse mixture-of-experts keys of a Qwen3-MoE config.json (transformers' <c>Qwen3MoeConfig</c>). A layer i is
/// sparse when <c>num_experts &gt; 0</c>, i is not in <c>mlp_only_layers</c> and <c>(i + 1) % decoder_sparse_step == 0</c>;
/// the other layers keep the dense SwiGLU MLP of width <c>intermediate_size</c>.
/// </summary>
/// <param name="NumExperts"><c>num_experts</c>: routed experts per sparse layer (Qwen3-30B-A3B: 128).</param>
/// <param name="NumExpertsPerToken"><c>num_experts_per_tok</c>: experts each token is sent to (top-k; 8).</param>
/// <param name="MoeIntermediateSize"><c>moe_intermediate_size</c>: width of each expert's SwiGLU MLP (768).</param>
/// <param name="NormTopKProb"><c>norm_topk_prob</c>: renormalise the k chosen softmax probabilities to sum to 1 (true).</param>
/// <param name="DecoderSparseStep"><c>decoder_sparse_step</c>: every n-th layer is sparse (1 = all).</param>
/// <param name="MlpOnlyLayers"><c>mlp_only_layers</c>: layer indices kept dense (empty).</param>
/// <param name="RouterAuxLossCoef"><c>router_aux_loss_coef</c>: weight of the load-balancing loss in training (0.001).</param>
public sealed record MoeSettings(
    int NumExperts,
    int NumExpertsPerToken,
    int MoeIntermediateSize,
    bool NormTopKProb,
    int DecoderSparseStep,
    IReadOnlyList<int> MlpOnlyLayers,
    double RouterAuxLossCoef)
{
    /// <summary>Whether layer <paramref name="layer"/> (0-based) uses the sparse block, by transformers' rule.</summary>
    public bool IsSparse(int layer) =>
        NumExperts > 0 && !MlpOnlyLayers.Contains(layer) && (layer + 1) % DecoderSparseStep == 0;
}
