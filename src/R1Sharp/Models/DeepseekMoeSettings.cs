namespace R1Sharp.Models;

/// <summary>
/// The mixture-of-experts keys of a DeepSeek-V3 config.json (its <c>DeepseekV3MoE</c> / <c>MoEGate</c>). Layer i is
/// sparse when i ≥ <c>first_k_dense_replace</c> and i % <c>moe_layer_freq</c> == 0; the others keep a dense SwiGLU MLP
/// of width <c>intermediate_size</c>. A sparse layer adds a shared MLP every token goes through to its routed experts.
/// </summary>
/// <param name="NRoutedExperts"><c>n_routed_experts</c> (DeepSeek-V3: 256).</param>
/// <param name="NumExpertsPerToken"><c>num_experts_per_tok</c>: routed experts per token (8).</param>
/// <param name="MoeIntermediateSize"><c>moe_intermediate_size</c>: each expert's MLP width (2048).</param>
/// <param name="NSharedExperts"><c>n_shared_experts</c>: the shared MLP is n_shared_experts × moe_intermediate_size wide (1).</param>
/// <param name="FirstKDenseReplace"><c>first_k_dense_replace</c>: the first k layers are dense (3).</param>
/// <param name="MoeLayerFreq"><c>moe_layer_freq</c>: every n-th layer after those is sparse (1).</param>
/// <param name="NGroup"><c>n_group</c>: experts are split into this many groups (8).</param>
/// <param name="TopkGroup"><c>topk_group</c>: a token picks its experts from this many groups (4).</param>
/// <param name="TopkMethod"><c>topk_method</c>: <see cref="NoAuxTc"/> (group-limited, bias-corrected) or <see cref="Greedy"/>.</param>
/// <param name="ScoringFunc"><c>scoring_func</c>: <see cref="Sigmoid"/> or <see cref="Softmax"/>.</param>
/// <param name="NormTopKProb"><c>norm_topk_prob</c>: the k chosen scores are divided by their sum (true).</param>
/// <param name="RoutedScalingFactor"><c>routed_scaling_factor</c>: the routed weights are multiplied by it (2.5).</param>
public sealed record DeepseekMoeSettings(
    int NRoutedExperts,
    int NumExpertsPerToken,
    int MoeIntermediateSize,
    int NSharedExperts,
    int FirstKDenseReplace,
    int MoeLayerFreq,
    int NGroup,
    int TopkGroup,
    string TopkMethod,
    string ScoringFunc,
    bool NormTopKProb,
    double RoutedScalingFactor)
{
    /// <summary><c>topk_method</c> of DeepSeek-V3: selection on score + <c>e_score_correction_bias</c>, within the best <c>topk_group</c> groups.</summary>
    public const string NoAuxTc = "noaux_tc";

    /// <summary><c>topk_method</c> of DeepSeek-V2(-Lite): the k best scores, no groups and no bias.</summary>
    public const string Greedy = "greedy";

    /// <summary><c>scoring_func</c>: independent sigmoid scores (DeepSeek-V3).</summary>
    public const string Sigmoid = "sigmoid";

    /// <summary><c>scoring_func</c>: softmax over the experts (DeepSeek-V2).</summary>
    public const string Softmax = "softmax";

    /// <summary>Whether layer <paramref name="layer"/> (0-based) is sparse, by DeepSeek-V3's rule.</summary>
    public bool IsSparse(int layer) => NRoutedExperts > 0 && layer >= FirstKDenseReplace && layer % MoeLayerFreq == 0;

    /// <summary>Whether selection is group-limited and bias-corrected (<see cref="NoAuxTc"/>).</summary>
    public bool GroupLimited => TopkMethod == NoAuxTc;
}
