using System.Text.Json.Nodes;

namespace R1Sharp.Models;

/// <summary>Maps config.json keys to <see cref="ModelConfig"/> and back, validating every field it reads.</summary>
internal static class ModelConfigJson
{
    private static readonly HashSet<string> ModelledKeys =
    [
        "model_type", "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
        "num_key_value_heads", "head_dim", "max_position_embeddings", "rms_norm_eps", "rope_theta", "rope_scaling",
        "tie_word_embeddings", "attention_bias", "mlp_bias", "bos_token_id", "eos_token_id", "torch_dtype",
        "initializer_range",
    ];

    public static ModelConfig Read(JsonFields f)
    {
        string modelType = f.String("model_type") ?? throw f.Error("model_type", "is missing (expected \"qwen2\", \"qwen3\", \"qwen3_moe\", \"deepseek_v3\" or \"llama\")");
        if (modelType is not (ModelConfig.Qwen2 or ModelConfig.Qwen3 or ModelConfig.Qwen3Moe or ModelConfig.DeepseekV3 or ModelConfig.Llama))
            throw f.Error("model_type", $"is \"{modelType}\"; supported: \"qwen2\", \"qwen3\", \"qwen3_moe\", \"deepseek_v3\", \"llama\"");
        if (f.Root.TryGetPropertyValue("quantization_config", out var quantization) && quantization is not null)
            throw f.Error("quantization_config", "is set; quantised checkpoints are not supported (use the unquantised bf16/fp32 weights)");
        string? act = f.String("hidden_act");
        if (act is not null && act != "silu")
            throw f.Error("hidden_act", $"is \"{act}\"; only \"silu\" (SwiGLU) is supported");

        int heads = ToInt(f, "num_attention_heads", f.RequiredPositiveInt("num_attention_heads"));
        long? kv = f.Int("num_key_value_heads");
        if (kv is <= 0) throw f.Error("num_key_value_heads", $"must be positive (found {kv})");
        long? headDim = f.Int("head_dim");
        if (headDim is <= 0) throw f.Error("head_dim", $"must be positive (found {headDim})");
        double eps = f.Double("rms_norm_eps") ?? 1e-6;
        if (eps <= 0) throw f.Error("rms_norm_eps", $"must be positive (found {eps})");
        double theta = f.Double("rope_theta") ?? 10000;
        if (theta <= 1) throw f.Error("rope_theta", $"must be greater than 1 (found {theta})");
        double init = f.Double("initializer_range") ?? 0.02;
        if (init < 0) throw f.Error("initializer_range", $"must not be negative (found {init})");
        long maxPos = f.Int("max_position_embeddings") ?? 2048;
        if (maxPos <= 0) throw f.Error("max_position_embeddings", $"must be positive (found {maxPos})");
        long? bos = f.Int("bos_token_id");
        if (bos is < 0) throw f.Error("bos_token_id", $"must not be negative (found {bos})");

        var extra = new JsonObject();
        foreach (var (key, value) in f.Root)
            if (!ModelledKeys.Contains(key) && !(modelType == ModelConfig.Qwen3Moe && MoeSettingsJson.Keys.Contains(key))
                && !(modelType == ModelConfig.DeepseekV3 && DeepseekConfigJson.Keys.Contains(key))) extra[key] = value?.DeepClone();

        var config = new ModelConfig
        {
            ModelType = modelType,
            VocabSize = ToInt(f, "vocab_size", f.RequiredPositiveInt("vocab_size")),
            HiddenSize = ToInt(f, "hidden_size", f.RequiredPositiveInt("hidden_size")),
            IntermediateSize = ToInt(f, "intermediate_size", f.RequiredPositiveInt("intermediate_size")),
            NumHiddenLayers = ToInt(f, "num_hidden_layers", f.RequiredPositiveInt("num_hidden_layers")),
            NumAttentionHeads = heads,
            NumKeyValueHeads = kv is null ? heads : ToInt(f, "num_key_value_heads", kv.Value),
            ExplicitHeadDim = headDim is null ? null : ToInt(f, "head_dim", headDim.Value),
            MaxPositionEmbeddings = ToInt(f, "max_position_embeddings", maxPos),
            RmsNormEps = eps,
            RopeTheta = theta,
            RopeScaling = ReadRopeScaling(f, modelType),
            TieWordEmbeddings = f.Bool("tie_word_embeddings") ?? false,
            AttentionBias = f.Bool("attention_bias") ?? false,
            MlpBias = f.Bool("mlp_bias") ?? false,
            BosTokenId = bos is null ? null : ToInt(f, "bos_token_id", bos.Value),
            EosTokenIds = f.IntOrIntList("eos_token_id"),
            TorchDtype = f.String("torch_dtype"),
            InitializerRange = init,
            AdditionalFields = extra,
        };
        if (modelType == ModelConfig.Qwen3Moe) config = config with { Moe = MoeSettingsJson.Read(f, config.NumHiddenLayers) };
        if (modelType == ModelConfig.DeepseekV3)
        {
            var (mla, moe) = DeepseekConfigJson.Read(f);
            config = config with { LatentAttention = mla, DeepseekMoe = moe };
        }
        string? problem = config.ShapeProblem();
        if (problem is not null) throw new InvalidDataException($"{f.SourceName}: {problem}");
        return config;
    }

    public static JsonObject Write(ModelConfig c)
    {
        var o = (JsonObject)c.AdditionalFields.DeepClone();
        o["model_type"] = c.ModelType;
        o["vocab_size"] = c.VocabSize;
        o["hidden_size"] = c.HiddenSize;
        o["intermediate_size"] = c.IntermediateSize;
        o["num_hidden_layers"] = c.NumHiddenLayers;
        o["num_attention_heads"] = c.NumAttentionHeads;
        o["num_key_value_heads"] = c.NumKeyValueHeads;
        if (c.ExplicitHeadDim is int hd) o["head_dim"] = hd;
        o["max_position_embeddings"] = c.MaxPositionEmbeddings;
        o["rms_norm_eps"] = c.RmsNormEps;
        o["rope_theta"] = c.RopeTheta;
        o["rope_scaling"] = c.RopeScaling is null ? null : c.RopeScaling.RopeType == RopeScaling.Yarn ? new JsonObject
        {
            // DeepSeek's own modelling code reads "type"; transformers reads "rope_type".
            ["type"] = RopeScaling.Yarn,
            ["rope_type"] = RopeScaling.Yarn,
            ["factor"] = c.RopeScaling.Factor,
            ["original_max_position_embeddings"] = c.RopeScaling.OriginalMaxPositionEmbeddings,
            ["beta_fast"] = c.RopeScaling.BetaFast,
            ["beta_slow"] = c.RopeScaling.BetaSlow,
            ["mscale"] = c.RopeScaling.Mscale,
            ["mscale_all_dim"] = c.RopeScaling.MscaleAllDim,
        } : new JsonObject
        {
            ["rope_type"] = c.RopeScaling.RopeType,
            ["factor"] = c.RopeScaling.Factor,
            ["low_freq_factor"] = c.RopeScaling.LowFreqFactor,
            ["high_freq_factor"] = c.RopeScaling.HighFreqFactor,
            ["original_max_position_embeddings"] = c.RopeScaling.OriginalMaxPositionEmbeddings,
        };
        o["tie_word_embeddings"] = c.TieWordEmbeddings;
        if (c.ModelType != ModelConfig.Qwen2) o["attention_bias"] = c.AttentionBias;
        if (c.ModelType == ModelConfig.Llama) o["mlp_bias"] = c.MlpBias;
        if (c.BosTokenId is int bos) o["bos_token_id"] = bos;
        if (c.EosTokenIds.Count == 1) o["eos_token_id"] = c.EosTokenIds[0];
        else if (c.EosTokenIds.Count > 1) o["eos_token_id"] = new JsonArray(c.EosTokenIds.Select(id => (JsonNode)id).ToArray());
        if (c.TorchDtype is not null) o["torch_dtype"] = c.TorchDtype;
        o["initializer_range"] = c.InitializerRange;
        if (c.Moe is { } moe) MoeSettingsJson.Write(moe, o);
        if (c.LatentAttention is { } mla) DeepseekConfigJson.Write(mla, c.DeepseekMoe, o);
        return o;
    }

    private static RopeScaling? ReadRopeScaling(JsonFields f, string modelType)
    {
        if (!f.Root.TryGetPropertyValue("rope_scaling", out var node) || node is null) return null;
        if (node is not JsonObject obj) throw f.Error("rope_scaling", "must be an object or null");
        var s = new JsonFields(obj, f.SourceName);
        string type = s.String("rope_type") ?? s.String("type")
            ?? throw f.Error("rope_scaling.rope_type", "is missing");
        if (type == "default") return null;
        if (type == RopeScaling.Yarn && modelType == ModelConfig.DeepseekV3) return ReadYarn(f, s);
        if (type != RopeScaling.Llama3)
            throw f.Error("rope_scaling.rope_type", $"is \"{type}\"; supported: \"llama3\", \"yarn\" (deepseek_v3 only), or null / \"default\" for plain RoPE");
        double factor = s.Double("factor") ?? throw f.Error("rope_scaling.factor", "is missing");
        double low = s.Double("low_freq_factor") ?? throw f.Error("rope_scaling.low_freq_factor", "is missing");
        double high = s.Double("high_freq_factor") ?? throw f.Error("rope_scaling.high_freq_factor", "is missing");
        long original = s.Int("original_max_position_embeddings") ?? throw f.Error("rope_scaling.original_max_position_embeddings", "is missing");
        if (factor <= 0) throw f.Error("rope_scaling.factor", $"must be positive (found {factor})");
        if (low <= 0 || high <= low) throw f.Error("rope_scaling.high_freq_factor", $"must be greater than low_freq_factor > 0 (found low {low}, high {high})");
        if (original <= 0 || original > int.MaxValue) throw f.Error("rope_scaling.original_max_position_embeddings", $"must be a positive integer (found {original})");
        return new RopeScaling(type, factor, low, high, (int)original);
    }

    private static RopeScaling ReadYarn(JsonFields f, JsonFields s)
    {
        double factor = s.Double("factor") ?? throw f.Error("rope_scaling.factor", "is missing");
        if (factor <= 0) throw f.Error("rope_scaling.factor", $"must be positive (found {factor})");
        long original = s.Int("original_max_position_embeddings") ?? throw f.Error("rope_scaling.original_max_position_embeddings", "is missing");
        if (original <= 0 || original > int.MaxValue) throw f.Error("rope_scaling.original_max_position_embeddings", $"must be a positive integer (found {original})");
        double fast = s.Double("beta_fast") ?? 32, slow = s.Double("beta_slow") ?? 1;
        if (slow <= 0 || fast <= slow) throw f.Error("rope_scaling.beta_fast", $"must be greater than beta_slow > 0 (found beta_fast {fast}, beta_slow {slow})");
        return new RopeScaling(RopeScaling.Yarn, factor, 0, 0, (int)original)
        {
            BetaFast = fast,
            BetaSlow = slow,
            Mscale = s.Double("mscale") ?? 1,
            MscaleAllDim = s.Double("mscale_all_dim") ?? 0,
        };
    }

    private static int ToInt(JsonFields f, string field, long value) =>
        value is > int.MaxValue or < int.MinValue ? throw f.Error(field, $"is out of range (found {value})") : (int)value;
}
