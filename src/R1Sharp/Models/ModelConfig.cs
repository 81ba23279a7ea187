using System.Text.Json.Nodes;

namespace R1Sharp.Models;

/// <summary>
/// The architecture of a decoder-only Qwen2, Qwen3, Qwen3-MoE, DeepSeek-V3 or Llama model, read from (and written back to) a Hugging Face
/// <c>config.json</c>. Keys this type does not model are kept in <see cref="AdditionalFields"/> so that a
/// load -> save round trip leaves them untouched.
/// </summary>
public sealed partial record ModelConfig
{
    /// <summary>The <c>model_type</c> key of Qwen2 / Qwen2.5 / R1-Distill-Qwen models.</summary>
    public const string Qwen2 = "qwen2";

    /// <summary>The <c>model_type</c> key of Llama 3 / R1-Distill-Llama models.</summary>
    public const string Llama = "llama";

    /// <summary>
    /// The <c>model_type</c> key of Qwen3 dense models: per-head RMSNorm on queries and keys (<c>q_norm</c>,
    /// <c>k_norm</c>) before RoPE, an explicit <c>head_dim</c>, biases only when <c>attention_bias</c> says so.
    /// </summary>
    public const string Qwen3 = "qwen3";

    /// <summary>The <c>model_type</c> key of Qwen3-MoE models: Qwen3's attention with sparse MoE blocks (<see cref="Moe"/>).</summary>
    public const string Qwen3Moe = "qwen3_moe";

    /// <summary>
    /// The <c>model_type</c> key of DeepSeek-V3 / R1: multi-head latent attention (<see cref="LatentAttention"/>), YaRN
    /// RoPE, and a MoE with shared experts and group-limited sigmoid routing (<see cref="DeepseekMoe"/>).
    /// </summary>
    public const string DeepseekV3 = "deepseek_v3";

    /// <summary><c>model_type</c>: <see cref="Qwen2"/>, <see cref="Qwen3"/>, <see cref="Qwen3Moe"/>, <see cref="DeepseekV3"/> or <see cref="Llama"/>.</summary>
    public required string ModelType { get; init; }

    /// <summary><c>vocab_size</c>: rows of the embedding and of the output head.</summary>
    public required int VocabSize { get; init; }

    /// <summary><c>hidden_size</c>: width of the residual stream.</summary>
    public required int HiddenSize { get; init; }

    /// <summary><c>intermediate_size</c>: width of the SwiGLU MLP.</summary>
    public required int IntermediateSize { get; init; }

    /// <summary><c>num_hidden_layers</c>.</summary>
    public required int NumHiddenLayers { get; init; }

    /// <summary><c>num_attention_heads</c> (query heads).</summary>
    public required int NumAttentionHeads { get; init; }

    /// <summary><c>num_key_value_heads</c> (grouped-query attention; equals the query heads when absent from the file).</summary>
    public required int NumKeyValueHeads { get; init; }

    /// <summary><c>head_dim</c> as written in the file; null means hidden_size / num_attention_heads.</summary>
    public int? ExplicitHeadDim { get; init; }

    /// <summary>The per-head width actually used.</summary>
    public int HeadDim => ExplicitHeadDim ?? HiddenSize / NumAttentionHeads;

    /// <summary><c>max_position_embeddings</c>: longest context the model was trained for (default 2048 when absent).</summary>
    public int MaxPositionEmbeddings { get; init; } = 2048;

    /// <summary><c>rms_norm_eps</c> (default 1e-6, Qwen2's; Llama files state 1e-5).</summary>
    public double RmsNormEps { get; init; } = 1e-6;

    /// <summary><c>rope_theta</c>: RoPE base (default 10000).</summary>
    public double RopeTheta { get; init; } = 10000;

    /// <summary><c>rope_scaling</c>; null for plain RoPE.</summary>
    public RopeScaling? RopeScaling { get; init; }

    /// <summary><c>tie_word_embeddings</c>: the output head reuses the embedding matrix (no <c>lm_head.weight</c>).</summary>
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Biases on q/k/v/o projections. Qwen2 always has q/k/v biases (and none on o); Llama and Qwen3 read <c>attention_bias</c> (all four).</summary>
    public bool AttentionBias { get; init; }

    /// <summary>The sparse mixture-of-experts settings (Qwen3-MoE); null for dense models.</summary>
    public MoeSettings? Moe { get; init; }

    /// <summary>DeepSeek-V3's multi-head latent attention settings; null for the other architectures.</summary>
    public LatentAttentionSettings? LatentAttention { get; init; }

    /// <summary>DeepSeek-V3's mixture-of-experts settings; null for the other architectures.</summary>
    public DeepseekMoeSettings? DeepseekMoe { get; init; }

    /// <summary><c>mlp_bias</c> (Llama only; default false).</summary>
    public bool MlpBias { get; init; }

    /// <summary><c>bos_token_id</c>, if any.</summary>
    public int? BosTokenId { get; init; }

    /// <summary><c>eos_token_id</c>: a single id or a list in the file; empty when absent.</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary><c>torch_dtype</c> (e.g. <c>bfloat16</c>), the dtype the weights were saved in; null when absent.</summary>
    public string? TorchDtype { get; init; }

    /// <summary><c>initializer_range</c>: standard deviation of random initialisation (default 0.02, transformers').</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary>Every key of the source file that this type does not model, written back unchanged by <see cref="Save"/>.</summary>
    public JsonObject AdditionalFields { get; init; } = [];

    /// <summary>
    /// Number of query heads sharing one key/value head; with MLA every head shares the one cached latent (llama.cpp
    /// runs it as multi-query attention), so the attention mask is folded over all heads.
    /// </summary>
    public int QueryGroupSize => LatentAttention is null ? NumAttentionHeads / NumKeyValueHeads : NumAttentionHeads;

    /// <summary>Values the KV cache holds per token and layer: 2 × kv_heads × head_dim, or MLA's kv_lora_rank + qk_rope_head_dim.</summary>
    public int KvCacheWidth => LatentAttention is { } mla ? mla.KvLoraRank + mla.QkRopeHeadDim : 2 * NumKeyValueHeads * HeadDim;

    /// <summary>Width RoPE rotates per head: head_dim, or MLA's qk_rope_head_dim.</summary>
    public int RotaryDim => LatentAttention?.QkRopeHeadDim ?? HeadDim;

    /// <summary>Whether q/k/v projections carry a bias (always for Qwen2).</summary>
    public bool HasQkvBias => ModelType == Qwen2 || AttentionBias;

    /// <summary>Whether the output projection carries a bias (Llama's and Qwen3's attention_bias only).</summary>
    public bool HasOutputProjectionBias => ModelType != Qwen2 && AttentionBias;

    /// <summary>Whether queries and keys are RMS-normalised per head before RoPE (Qwen3's <c>q_norm</c> / <c>k_norm</c>).</summary>
    public bool HasQkNorm => ModelType is Qwen3 or Qwen3Moe;

    /// <summary>Reads a config.json file.</summary>
    /// <exception cref="InvalidDataException">A field is missing or invalid; the message names the field and the file.</exception>
    public static ModelConfig Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses config.json text; <paramref name="sourceName"/> is used in error messages.</summary>
    /// <exception cref="InvalidDataException">A field is missing or invalid; the message names the field and the source.</exception>
    public static ModelConfig Parse(string json, string sourceName) => ModelConfigJson.Read(JsonFields.ParseObject(json, sourceName));

    /// <summary>Writes config.json with Hugging Face keys (sorted), atomically (temp file, then rename).</summary>
    public void Save(string path) => R1Sharp.IO.AtomicFile.WriteAllText(path, ToJson());

    /// <summary>The config.json text <see cref="Save"/> writes.</summary>
    public string ToJson() => JsonFields.ToSortedJson(ModelConfigJson.Write(this));

    /// <summary>
    /// A copy with a smaller (or different) shape, for tests and toy runs built from a real config. Unset values
    /// keep the original; when only the width changes, the MLP keeps its width ratio and an explicit head_dim is
    /// dropped so that hidden = heads x head_dim holds, except for Qwen3, whose head_dim is part of the architecture
    /// (its attention width differs from hidden_size) and is kept unless <paramref name="headDim"/> sets it.
    /// </summary>
    /// <param name="layers">num_hidden_layers.</param>
    /// <param name="hidden">hidden_size.</param>
    /// <param name="heads">num_attention_heads.</param>
    /// <param name="kvHeads">num_key_value_heads (default: the original if it divides <paramref name="heads"/>, else 1).</param>
    /// <param name="intermediate">intermediate_size.</param>
    /// <param name="vocab">vocab_size.</param>
    /// <param name="headDim">head_dim, written explicitly (default: see above).</param>
    /// <param name="experts">num_experts (MoE models only).</param>
    /// <param name="expertsPerToken">num_experts_per_tok (MoE models only).</param>
    /// <param name="moeIntermediate">moe_intermediate_size (MoE models only).</param>
    /// <exception cref="ArgumentException">The resulting shape is inconsistent, or expert counts are given for a dense model.</exception>
    public ModelConfig Scaled(int? layers = null, int? hidden = null, int? heads = null, int? kvHeads = null, int? intermediate = null, int? vocab = null,
        int? headDim = null, int? experts = null, int? expertsPerToken = null, int? moeIntermediate = null)
    {
        if (Moe is null && DeepseekMoe is null && (experts ?? expertsPerToken ?? moeIntermediate) is not null)
            throw new ArgumentException($"num_experts / num_experts_per_tok / moe_intermediate_size apply to MoE models; model_type is {ModelType}");
        int newHidden = hidden ?? HiddenSize;
        int newHeads = heads ?? NumAttentionHeads;
        // MLA has no key/value heads of its own: the file states num_key_value_heads = num_attention_heads.
        int newKv = LatentAttention is not null ? newHeads : kvHeads ?? (newHeads % NumKeyValueHeads == 0 ? NumKeyValueHeads : 1);
        int newIntermediate = intermediate ?? (hidden is null ? IntermediateSize : (int)Math.Max(1, Math.Round((double)IntermediateSize * newHidden / HiddenSize)));
        int newLayers = layers ?? NumHiddenLayers;
        bool shapeChanged = hidden is not null || heads is not null;
        var extra = (JsonObject)AdditionalFields.DeepClone();
        // Qwen2 files list one entry per layer; transformers checks that the list matches num_hidden_layers.
        if (extra["layer_types"] is JsonArray types && types.Count != newLayers && types.Count > 0)
        {
            var first = types[0]?.DeepClone();
            var resized = new JsonArray();
            for (int i = 0; i < newLayers; i++) resized.Add(i < types.Count ? types[i]?.DeepClone() : first?.DeepClone());
            extra["layer_types"] = resized;
        }
        var scaled = this with
        {
            NumHiddenLayers = newLayers,
            HiddenSize = newHidden,
            NumAttentionHeads = newHeads,
            NumKeyValueHeads = newKv,
            IntermediateSize = newIntermediate,
            VocabSize = vocab ?? VocabSize,
            ExplicitHeadDim = headDim ?? (shapeChanged && !HasQkNorm ? null : ExplicitHeadDim),
            AdditionalFields = extra,
            Moe = Moe is null ? null : Moe with
            {
                NumExperts = experts ?? Moe.NumExperts,
                NumExpertsPerToken = expertsPerToken ?? Math.Min(Moe.NumExpertsPerToken, experts ?? Moe.NumExperts),
                MoeIntermediateSize = moeIntermediate ?? Moe.MoeIntermediateSize,
                MlpOnlyLayers = Moe.MlpOnlyLayers.Where(l => l < newLayers).ToArray(),
            },
            DeepseekMoe = DeepseekMoe is null ? null : ScaledExperts(DeepseekMoe, experts, expertsPerToken, moeIntermediate, newLayers),
        };
        string? problem = scaled.ShapeProblem();
        if (problem is not null) throw new ArgumentException($"scaled config is inconsistent: {problem}");
        return scaled;
    }

    /// <summary>Null when the shape is consistent, else what is wrong (used by parsing and scaling).</summary>
    internal string? ShapeProblem()
    {
        if (LatentAttention is not null || DeepseekMoe is not null) return DeepseekShapeProblem();
        if (ExplicitHeadDim is null && HiddenSize % NumAttentionHeads != 0)
            return $"hidden_size {HiddenSize} is not divisible by num_attention_heads {NumAttentionHeads}";
        if (NumAttentionHeads % NumKeyValueHeads != 0)
            return $"num_attention_heads {NumAttentionHeads} is not divisible by num_key_value_heads {NumKeyValueHeads}";
        if (Moe is { } moe && moe.NumExpertsPerToken > moe.NumExperts)
            return $"num_experts_per_tok {moe.NumExpertsPerToken} exceeds num_experts {moe.NumExperts}";
        if (Moe is { } m && m.MlpOnlyLayers.Any(l => l >= NumHiddenLayers))
            return $"mlp_only_layers lists layer {m.MlpOnlyLayers.Max()} but there are {NumHiddenLayers} layers";
        if (HeadDim % 2 != 0)
            return $"head_dim {HeadDim} must be even for rotary embeddings";
        return null;
    }
}
