using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Gguf;

/// <summary>
/// DeepSeek-V3 in llama.cpp's <c>deepseek2</c> form, as convert_hf_to_gguf.py writes it for MLA: the attention is
/// declared as multi-query attention over the latent (head_count_kv 1, key_length kv_lora_rank + qk_rope_head_dim,
/// value_length kv_lora_rank, with the per-head widths in key_length_mla / value_length_mla), and kv_b_proj is split
/// per head into <c>attn_k_b</c> [heads, kv_lora_rank, qk_nope] (transposed, for absorbing into the queries) and
/// <c>attn_v_b</c> [heads, v_head_dim, kv_lora_rank]. The rope part stays interleaved (llama.cpp rotates deepseek2
/// in pairs, as HF stores it), so no row is permuted. Routing: sigmoid/softmax gating, <c>exp_probs_b</c> bias,
/// <c>expert_group_count</c>/<c>expert_group_used_count</c>, weights normalised and scaled by routed_scaling_factor.
/// </summary>
internal static class GgufDeepseek
{
    private const uint SoftmaxGating = 1, SigmoidGating = 2;

    /// <summary>Refuses what llama.cpp's deepseek2 graph cannot express, naming the config key.</summary>
    /// <exception cref="NotSupportedException">An unsupported value.</exception>
    public static void CheckSupported(ModelConfig config)
    {
        var mla = config.LatentAttention!;
        var moe = config.DeepseekMoe!;
        if (mla.QLoraRank is null && config.NumHiddenLayers is not (26 or 27))
            throw new NotSupportedException("q_lora_rank is null: llama.cpp's deepseek2 reads a plain q_proj only for the 26/27-layer Lite models");
        if (moe.MoeLayerFreq != 1) throw new NotSupportedException($"moe_layer_freq is {moe.MoeLayerFreq}: llama.cpp's deepseek2 makes every layer after the dense ones sparse");
        if (moe.NSharedExperts == 0) throw new NotSupportedException("n_shared_experts is 0: llama.cpp's deepseek2 expects shared experts");
        if (config.AttentionBias) throw new NotSupportedException("attention_bias is true: llama.cpp's deepseek2 has no attention biases");
        if (config.RopeScaling is { RopeType: RopeScaling.Yarn } yarn && yarn.Mscale != yarn.MscaleAllDim)
            throw new NotSupportedException($"rope_scaling.mscale {yarn.Mscale} differs from mscale_all_dim {yarn.MscaleAllDim}: llama.cpp scales cos/sin as if they were equal");
        if (config.RopeScaling is { BetaFast: not 32 } or { BetaSlow: not 1 })
            throw new NotSupportedException("rope_scaling.beta_fast / beta_slow differ from 32 / 1, the values llama.cpp uses");
    }

    public static void AddMetadata(GgufFileWriter file, string arch, ModelConfig config)
    {
        var mla = config.LatentAttention!;
        var moe = config.DeepseekMoe!;
        file.Add($"{arch}.attention.head_count", (uint)config.NumAttentionHeads);
        file.Add($"{arch}.attention.head_count_kv", 1u);
        file.Add($"{arch}.attention.key_length", (uint)(mla.KvLoraRank + mla.QkRopeHeadDim));
        file.Add($"{arch}.attention.value_length", (uint)mla.KvLoraRank);
        file.Add($"{arch}.attention.key_length_mla", (uint)mla.QkHeadDim);
        file.Add($"{arch}.attention.value_length_mla", (uint)mla.VHeadDim);
        if (mla.QLoraRank is int q) file.Add($"{arch}.attention.q_lora_rank", (uint)q);
        file.Add($"{arch}.attention.kv_lora_rank", (uint)mla.KvLoraRank);
        file.Add($"{arch}.rope.dimension_count", (uint)mla.QkRopeHeadDim);
        file.Add($"{arch}.leading_dense_block_count", (uint)moe.FirstKDenseReplace);
        file.Add($"{arch}.expert_count", (uint)moe.NRoutedExperts);
        file.Add($"{arch}.expert_used_count", (uint)moe.NumExpertsPerToken);
        file.Add($"{arch}.expert_feed_forward_length", (uint)moe.MoeIntermediateSize);
        file.Add($"{arch}.expert_shared_count", (uint)moe.NSharedExperts);
        file.Add($"{arch}.expert_weights_scale", (float)moe.RoutedScalingFactor);
        file.Add($"{arch}.expert_weights_norm", moe.NormTopKProb);
        file.Add($"{arch}.expert_gating_func", moe.ScoringFunc == DeepseekMoeSettings.Sigmoid ? SigmoidGating : SoftmaxGating);
        if (moe.GroupLimited)
        {
            file.Add($"{arch}.expert_group_count", (uint)moe.NGroup);
            file.Add($"{arch}.expert_group_used_count", (uint)moe.TopkGroup);
        }
        if (config.RopeScaling is { RopeType: RopeScaling.Yarn } yarn)
        {
            file.Add($"{arch}.rope.scaling.type", "yarn");
            file.Add($"{arch}.rope.scaling.factor", (float)yarn.Factor);
            file.Add($"{arch}.rope.scaling.original_context_length", (uint)yarn.OriginalMaxPositionEmbeddings);
            file.Add($"{arch}.rope.scaling.yarn_log_multiplier", (float)(0.1 * yarn.MscaleAllDim));
        }
    }

    /// <summary>The GGUF name of a DeepSeek-V3 layer tensor (the part after <c>model.layers.N.</c>), or null.</summary>
    public static string? LayerTensorName(string rest) => rest switch
    {
        "self_attn.q_a_proj.weight" => "attn_q_a.weight",
        "self_attn.q_a_layernorm.weight" => "attn_q_a_norm.weight",
        "self_attn.q_b_proj.weight" => "attn_q_b.weight",
        "self_attn.kv_a_proj_with_mqa.weight" => "attn_kv_a_mqa.weight",
        "self_attn.kv_a_layernorm.weight" => "attn_kv_a_norm.weight",
        "mlp.gate.e_score_correction_bias" => "exp_probs_b.bias",
        "mlp.shared_experts.gate_proj.weight" => "ffn_gate_shexp.weight",
        "mlp.shared_experts.up_proj.weight" => "ffn_up_shexp.weight",
        "mlp.shared_experts.down_proj.weight" => "ffn_down_shexp.weight",
        _ => null,
    };

    public static bool IsKvB(string name) => name.EndsWith(".self_attn.kv_b_proj.weight", StringComparison.Ordinal);

    /// <summary>kv_b_proj [heads · (nope + v), rank] as attn_k_b [heads, rank, nope] and attn_v_b [heads, v, rank].</summary>
    public static void AddSplitKvB(GgufFileWriter file, string name, Tensor kvB, ModelConfig config, GgufTensorType type)
    {
        var mla = config.LatentAttention!;
        string layer = name.Split('.')[2];
        int heads = config.NumAttentionHeads, nope = mla.QkNopeHeadDim, v = mla.VHeadDim, rank = mla.KvLoraRank;
        file.AddTensor($"blk.{layer}.attn_k_b.weight", [heads, rank, nope], type, () =>
        {
            using var scope = torch.NewDisposeScope();
            return GgufExporter.Bytes(kvB.detach().view(heads, nope + v, rank).narrow(1, 0, nope).transpose(1, 2), type, null);
        });
        file.AddTensor($"blk.{layer}.attn_v_b.weight", [heads, v, rank], type, () =>
        {
            using var scope = torch.NewDisposeScope();
            return GgufExporter.Bytes(kvB.detach().view(heads, nope + v, rank).narrow(1, nope, v), type, null);
        });
    }
}
