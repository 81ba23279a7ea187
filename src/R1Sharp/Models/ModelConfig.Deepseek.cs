namespace R1Sharp.Models;

/// <summary>DeepSeek-V3 parts of <see cref="ModelConfig"/>: scaling its MLA and MoE shape, and its shape checks.</summary>
public sealed partial record ModelConfig
{
    /// <summary>
    /// Reads a config.json as the architecture of a new random model (<c>r1 new-model</c>, tests): a
    /// <c>quantization_config</c> (DeepSeek-V3 ships FP8 weights) is dropped, since the new weights are stored
    /// unquantised; <see cref="Load"/> refuses it, since a checkpoint with such a config holds quantised weights.
    /// </summary>
    /// <exception cref="InvalidDataException">A field is missing or invalid; the message names the field and the file.</exception>
    public static ModelConfig LoadArchitecture(string path)
    {
        var fields = JsonFields.ParseObject(File.ReadAllText(path), path);
        fields.Root.Remove("quantization_config");
        return ModelConfigJson.Read(fields);
    }

    /// <summary>A copy with DeepSeek-V3's MLA / MoE widths and counts changed (<paramref name="scaling"/>'s nulls keep them).</summary>
    /// <exception cref="ArgumentException">The config is not DeepSeek-V3, or the result is inconsistent.</exception>
    public ModelConfig WithDeepseekShape(DeepseekScaling scaling)
    {
        ArgumentNullException.ThrowIfNull(scaling);
        if (!scaling.Any) return this;
        if (LatentAttention is not { } mla || DeepseekMoe is not { } moe)
            throw new ArgumentException($"q_lora_rank / kv_lora_rank / qk_*_head_dim / v_head_dim / n_group / topk_group / n_shared_experts / first_k_dense_replace apply to deepseek_v3; model_type is {ModelType}");
        var scaled = this with
        {
            LatentAttention = new LatentAttentionSettings(
                scaling.QLoraRank is int q ? (q == 0 ? null : q) : mla.QLoraRank,
                scaling.KvLoraRank ?? mla.KvLoraRank,
                scaling.QkNopeHeadDim ?? mla.QkNopeHeadDim,
                scaling.QkRopeHeadDim ?? mla.QkRopeHeadDim,
                scaling.VHeadDim ?? mla.VHeadDim),
            DeepseekMoe = moe with
            {
                NSharedExperts = scaling.NSharedExperts ?? moe.NSharedExperts,
                NGroup = scaling.NGroup ?? moe.NGroup,
                TopkGroup = scaling.TopkGroup ?? Math.Min(moe.TopkGroup, scaling.NGroup ?? moe.NGroup),
                FirstKDenseReplace = scaling.FirstKDenseReplace ?? moe.FirstKDenseReplace,
            },
        };
        string? problem = scaled.ShapeProblem();
        if (problem is not null) throw new ArgumentException($"scaled config is inconsistent: {problem}");
        return scaled;
    }

    // Fewer experts: the largest group count that still divides them into groups of two or more (noaux_tc sums each
    // group's best two scores); fewer layers: at least one sparse layer stays.
    private static DeepseekMoeSettings ScaledExperts(DeepseekMoeSettings moe, int? experts, int? perToken, int? width, int layers)
    {
        int count = experts ?? moe.NRoutedExperts;
        int groups = moe.NGroup;
        if (experts is not null)
        {
            groups = Math.Min(moe.NGroup, Math.Max(1, count / 2));
            while (groups > 1 && (count % groups != 0 || count / groups < 2)) groups--;
        }
        return moe with
        {
            NRoutedExperts = count,
            NumExpertsPerToken = perToken ?? Math.Min(moe.NumExpertsPerToken, count),
            MoeIntermediateSize = width ?? moe.MoeIntermediateSize,
            NGroup = groups,
            TopkGroup = Math.Min(moe.TopkGroup, groups),
            FirstKDenseReplace = Math.Min(moe.FirstKDenseReplace, Math.Max(0, layers - 1)),
        };
    }

    private string? DeepseekShapeProblem()
    {
        if (LatentAttention is not { } mla) return "deepseek_v3 needs kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim and v_head_dim";
        if (mla.QkRopeHeadDim % 2 != 0) return $"qk_rope_head_dim {mla.QkRopeHeadDim} must be even for rotary embeddings";
        if (mla.QLoraRank is <= 0 || mla.KvLoraRank <= 0 || mla.QkNopeHeadDim <= 0 || mla.QkRopeHeadDim <= 0 || mla.VHeadDim <= 0)
            return "q_lora_rank, kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim and v_head_dim must be positive";
        if (DeepseekMoe is not { } moe) return null;
        if (moe.NumExpertsPerToken > moe.NRoutedExperts)
            return $"num_experts_per_tok {moe.NumExpertsPerToken} exceeds n_routed_experts {moe.NRoutedExperts}";
        if (moe.NGroup <= 0 || moe.NRoutedExperts % moe.NGroup != 0)
            return $"n_group {moe.NGroup} does not divide n_routed_experts {moe.NRoutedExperts}";
        if (moe.TopkGroup <= 0 || moe.TopkGroup > moe.NGroup) return $"topk_group {moe.TopkGroup} must be in [1, n_group {moe.NGroup}]";
        int perGroup = moe.NRoutedExperts / moe.NGroup;
        if (moe.GroupLimited && perGroup < 2)
            return $"n_routed_experts / n_group = {perGroup}: noaux_tc scores each group by its best two experts, so groups need two or more";
        if (moe.GroupLimited && moe.TopkGroup * perGroup < moe.NumExpertsPerToken)
            return $"topk_group {moe.TopkGroup} groups of {perGroup} experts hold fewer than num_experts_per_tok {moe.NumExpertsPerToken}";
        if (moe.FirstKDenseReplace < 0 || moe.MoeLayerFreq <= 0 || moe.NSharedExperts < 0)
            return "first_k_dense_replace and n_shared_experts must not be negative, moe_layer_freq must be positive";
        return null;
    }
}
