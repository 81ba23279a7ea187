using R1Sharp.Models;
using R1Sharp.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

/// <summary>Small random models with the architecture of real Hugging Face configs (scaled down so tests take seconds).</summary>
internal static class TestModels
{
    public const string Qwen = "Qwen2.5-0.5B-Instruct";
    public const string DistillQwen = "DeepSeek-R1-Distill-Qwen-1.5B";
    public const string Llama = "Llama-3.2-1B-Instruct";
    public const string DistillLlama = "DeepSeek-R1-Distill-Llama-8B";
    public const string Qwen3 = "Qwen3-0.6B";
    public const string Qwen3Moe = "Qwen3-30B-A3B";
    public const string DeepseekV3 = "DeepSeek-V3";

    public static string ConfigPath(string name) => SharedData.Path("hf", name, "config.json");

    /// <summary>
    /// The real config scaled to 2 layers, width 64, 4 heads over 2 KV heads, vocab 96; a larger init range than
    /// transformers' 0.02 so that distributions are peaked and greedy choices are not near-ties. Qwen3 keeps an
    /// explicit head_dim of 32, so its attention width (128) differs from hidden_size as in the real model; MoE
    /// configs get 8 experts of width 32, 2 per token. DeepSeek-V3 (its FP8 quantization_config dropped) keeps its
    /// YaRN rope and routing rules with q_lora_rank 24, kv_lora_rank 16, qk_nope/qk_rope/v head dims 16/8/16, one
    /// dense layer then one sparse one, 8 experts in 4 groups of which 2 are kept, and one shared expert.
    /// </summary>
    public static ModelConfig SmallConfig(string name)
    {
        var real = ModelConfig.LoadArchitecture(ConfigPath(name));
        int? headDim = real.HasQkNorm ? 32 : null;
        bool moe = real.Moe is not null || real.DeepseekMoe is not null;
        var scaled = real.Scaled(layers: 2, hidden: 64, heads: 4, kvHeads: 2, intermediate: 128, vocab: 96, headDim: headDim,
            experts: moe ? 8 : null, expertsPerToken: moe ? 2 : null, moeIntermediate: moe ? 32 : null);
        if (real.LatentAttention is not null)
            scaled = scaled.WithDeepseekShape(new DeepseekScaling(QLoraRank: 24, KvLoraRank: 16, QkNopeHeadDim: 16, QkRopeHeadDim: 8, VHeadDim: 16,
                NSharedExperts: 1, NGroup: 4, TopkGroup: 2, FirstKDenseReplace: 1));
        return scaled with { InitializerRange = 0.3 };
    }

    public static CausalLanguageModel Small(string name, long seed = 1, ScalarType dtype = ScalarType.Float32)
    {
        var model = CausalLanguageModel.Create(SmallConfig(name), torch.CPU, dtype, seed);
        model.eval();
        return model;
    }

    public static Tensor Ids(params long[] ids) => torch.tensor(ids, [1, ids.Length], ScalarType.Int64);

    public static Tensor Ids(long[][] rows)
    {
        int t = rows[0].Length;
        return torch.tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, t], ScalarType.Int64);
    }

    /// <summary>Same dtype, same shape, same values (bit for bit for finite floats).</summary>
    public static bool BitEqual(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && (a.numel() == 0 || a.eq(b).all().item<bool>());

    public static float MaxAbsDiff(Tensor a, Tensor b) => (a.to(ScalarType.Float32) - b.to(ScalarType.Float32)).abs().max().item<float>();
}
