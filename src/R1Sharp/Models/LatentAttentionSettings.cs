namespace R1Sharp.Models;

/// <summary>
/// The multi-head latent attention (MLA) keys of a DeepSeek-V3 config.json. Queries go through a low-rank bottleneck
/// (<c>q_a_proj</c> → <c>q_a_layernorm</c> → <c>q_b_proj</c>) when <c>q_lora_rank</c> is set, else one <c>q_proj</c>;
/// keys and values are rebuilt from a per-token latent of width <c>kv_lora_rank</c> (the only thing cached) plus one
/// rotary key part shared by every head.
/// </summary>
/// <param name="QLoraRank"><c>q_lora_rank</c>: width of the query bottleneck (DeepSeek-V3: 1536); null = plain <c>q_proj</c>.</param>
/// <param name="KvLoraRank"><c>kv_lora_rank</c>: width of the cached key/value latent (512).</param>
/// <param name="QkNopeHeadDim"><c>qk_nope_head_dim</c>: per-head query/key width without RoPE (128).</param>
/// <param name="QkRopeHeadDim"><c>qk_rope_head_dim</c>: per-head query/key width with RoPE, the key part shared by all heads (64).</param>
/// <param name="VHeadDim"><c>v_head_dim</c>: per-head value width (128).</param>
public sealed record LatentAttentionSettings(int? QLoraRank, int KvLoraRank, int QkNopeHeadDim, int QkRopeHeadDim, int VHeadDim)
{
    /// <summary>Per-head query/key width, qk_nope_head_dim + qk_rope_head_dim (192): the 1/√d of the softmax scale.</summary>
    public int QkHeadDim => QkNopeHeadDim + QkRopeHeadDim;
}
