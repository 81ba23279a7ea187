namespace R1Sharp.Models;

/// <summary>
/// DeepSeek-V3 widths and counts to change when scaling a config down (<see cref="ModelConfig.WithDeepseekShape"/>);
/// each null keeps the config's value. Names follow the config.json keys.
/// </summary>
/// <param name="QLoraRank"><c>q_lora_rank</c>; 0 = no query bottleneck (plain <c>q_proj</c>, written as null).</param>
/// <param name="KvLoraRank"><c>kv_lora_rank</c>.</param>
/// <param name="QkNopeHeadDim"><c>qk_nope_head_dim</c>.</param>
/// <param name="QkRopeHeadDim"><c>qk_rope_head_dim</c> (even).</param>
/// <param name="VHeadDim"><c>v_head_dim</c>.</param>
/// <param name="NSharedExperts"><c>n_shared_experts</c>.</param>
/// <param name="NGroup"><c>n_group</c> (divides n_routed_experts).</param>
/// <param name="TopkGroup"><c>topk_group</c> (at most n_group).</param>
/// <param name="FirstKDenseReplace"><c>first_k_dense_replace</c>.</param>
public sealed record DeepseekScaling(
    int? QLoraRank = null,
    int? KvLoraRank = null,
    int? QkNopeHeadDim = null,
    int? QkRopeHeadDim = null,
    int? VHeadDim = null,
    int? NSharedExperts = null,
    int? NGroup = null,
    int? TopkGroup = null,
    int? FirstKDenseReplace = null)
{
    /// <summary>Whether any value is set.</summary>
    public bool Any => (QLoraRank ?? KvLoraRank ?? QkNopeHeadDim ?? QkRopeHeadDim ?? VHeadDim ?? NSharedExperts ?? NGroup ?? TopkGroup ?? FirstKDenseReplace) is not null;
}
