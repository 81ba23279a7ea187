using System.Text.Json.Nodes;

namespace R1Sharp.Models;

/// <summary>Reads and writes DeepSeek-V3's MLA and MoE keys of config.json, validating each by name.</summary>
internal static class DeepseekConfigJson
{
    public static readonly string[] Keys =
    [
        "q_lora_rank", "kv_lora_rank", "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim",
        "n_routed_experts", "num_experts_per_tok", "moe_intermediate_size", "n_shared_experts", "first_k_dense_replace",
        "moe_layer_freq", "n_group", "topk_group", "topk_method", "scoring_func", "norm_topk_prob", "routed_scaling_factor",
    ];

    public static (LatentAttentionSettings Mla, DeepseekMoeSettings Moe) Read(JsonFields f)
    {
        long? qRank = f.Int("q_lora_rank");
        if (qRank is <= 0) throw f.Error("q_lora_rank", $"must be positive or null (found {qRank})");
        long rope = f.RequiredPositiveInt("qk_rope_head_dim");
        if (rope % 2 != 0) throw f.Error("qk_rope_head_dim", $"must be even for rotary embeddings (found {rope})");
        var mla = new LatentAttentionSettings(qRank is null ? null : Small(f, "q_lora_rank", qRank.Value), Small(f, "kv_lora_rank", f.RequiredPositiveInt("kv_lora_rank")),
            Small(f, "qk_nope_head_dim", f.RequiredPositiveInt("qk_nope_head_dim")), (int)Math.Min(rope, int.MaxValue), Small(f, "v_head_dim", f.RequiredPositiveInt("v_head_dim")));

        string method = f.String("topk_method") ?? DeepseekMoeSettings.Greedy;
        if (method is not (DeepseekMoeSettings.NoAuxTc or DeepseekMoeSettings.Greedy))
            throw f.Error("topk_method", $"is \"{method}\"; supported: \"noaux_tc\" (DeepSeek-V3) and \"greedy\"");
        string scoring = f.String("scoring_func") ?? DeepseekMoeSettings.Softmax;
        if (scoring is not (DeepseekMoeSettings.Sigmoid or DeepseekMoeSettings.Softmax))
            throw f.Error("scoring_func", $"is \"{scoring}\"; supported: \"sigmoid\" (DeepSeek-V3) and \"softmax\"");
        long experts = f.RequiredPositiveInt("n_routed_experts");
        long perToken = f.RequiredPositiveInt("num_experts_per_tok");
        if (perToken > experts) throw f.Error("num_experts_per_tok", $"is {perToken} but there are only {experts} experts (n_routed_experts)");
        long groups = f.Int("n_group") ?? 1;
        if (groups <= 0 || experts % groups != 0) throw f.Error("n_group", $"must be a positive divisor of n_routed_experts {experts} (found {groups})");
        long topkGroup = f.Int("topk_group") ?? groups;
        if (topkGroup <= 0 || topkGroup > groups) throw f.Error("topk_group", $"must be in [1, n_group {groups}] (found {topkGroup})");
        long shared = f.Int("n_shared_experts") ?? 0;
        if (shared < 0) throw f.Error("n_shared_experts", $"must not be negative (found {shared})");
        long firstDense = f.Int("first_k_dense_replace") ?? 0;
        if (firstDense < 0) throw f.Error("first_k_dense_replace", $"must not be negative (found {firstDense})");
        long frequency = f.Int("moe_layer_freq") ?? 1;
        if (frequency <= 0) throw f.Error("moe_layer_freq", $"must be positive (found {frequency})");
        double scale = f.Double("routed_scaling_factor") ?? 1;
        if (scale <= 0) throw f.Error("routed_scaling_factor", $"must be positive (found {scale})");
        var moe = new DeepseekMoeSettings(Small(f, "n_routed_experts", experts), (int)perToken, Small(f, "moe_intermediate_size", f.RequiredPositiveInt("moe_intermediate_size")),
            Small(f, "n_shared_experts", shared), Small(f, "first_k_dense_replace", firstDense), Small(f, "moe_layer_freq", frequency), (int)groups, (int)topkGroup,
            method, scoring, f.Bool("norm_topk_prob") ?? false, scale);
        return (mla, moe);
    }

    public static void Write(LatentAttentionSettings mla, DeepseekMoeSettings? moe, JsonObject o)
    {
        o["q_lora_rank"] = mla.QLoraRank is int q ? q : null;
        o["kv_lora_rank"] = mla.KvLoraRank;
        o["qk_nope_head_dim"] = mla.QkNopeHeadDim;
        o["qk_rope_head_dim"] = mla.QkRopeHeadDim;
        o["v_head_dim"] = mla.VHeadDim;
        if (moe is null) return;
        o["n_routed_experts"] = moe.NRoutedExperts;
        o["num_experts_per_tok"] = moe.NumExpertsPerToken;
        o["moe_intermediate_size"] = moe.MoeIntermediateSize;
        o["n_shared_experts"] = moe.NSharedExperts;
        o["first_k_dense_replace"] = moe.FirstKDenseReplace;
        o["moe_layer_freq"] = moe.MoeLayerFreq;
        o["n_group"] = moe.NGroup;
        o["topk_group"] = moe.TopkGroup;
        o["topk_method"] = moe.TopkMethod;
        o["scoring_func"] = moe.ScoringFunc;
        o["norm_topk_prob"] = moe.NormTopKProb;
        o["routed_scaling_factor"] = moe.RoutedScalingFactor;
    }

    private static int Small(JsonFields f, string field, long value) =>
        value > int.MaxValue ? throw f.Error(field, $"is out of range (found {value})") : (int)value;
}
