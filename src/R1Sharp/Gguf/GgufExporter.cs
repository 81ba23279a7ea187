using R1Sharp.Models;
using R1Sharp.Text.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Gguf;

/// <summary>
/// Exports a Qwen2 / Qwen3 / Qwen3-MoE / DeepSeek-V3 (<see cref="GgufDeepseek"/>) / Llama model and its byte-level BPE tokenizer as a GGUF v3 file that llama.cpp loads, laid out as
/// llama.cpp's convert_hf_to_gguf.py lays it out: GGUF tensor names (<c>blk.N.attn_q.weight</c>, ...), the
/// <c>llama</c> architecture's Q/K rows permuted for its rotary layout (the <c>qwen2</c> and <c>qwen3</c> architectures
/// use NEOX rotary and need none; Qwen3's per-head q_norm/k_norm become <c>blk.N.attn_q_norm</c>/<c>attn_k_norm</c>), Llama 3 rope scaling as a <c>rope_freqs.weight</c> tensor, and the tokenizer as
/// <c>tokenizer.ggml.model = gpt2</c> with tokens, token types, merges, special ids and the pre-tokenizer name.
/// </summary>
public static class GgufExporter
{
    // ggml token types.
    private const int Normal = 1, Control = 3, UserDefined = 4, Unused = 5;

    /// <summary>Writes <paramref name="model"/> and <paramref name="tokenizer"/> to <paramref name="path"/> (temporary file, then rename).</summary>
    /// <exception cref="NotSupportedException">The architecture or the tokenizer's pre-tokenizer has no GGUF equivalent.</exception>
    /// <exception cref="ArgumentException">The tokenizer has more tokens than the model's vocabulary.</exception>
    public static void Export(CausalLanguageModel model, HuggingFaceTokenizer tokenizer, string path, GgufExportOptions? options = null,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new GgufExportOptions();
        var config = model.Config;
        string arch = config.ModelType switch
        {
            ModelConfig.Qwen2 => "qwen2",
            ModelConfig.Qwen3 => "qwen3",
            ModelConfig.Qwen3Moe => "qwen3moe",
            ModelConfig.DeepseekV3 => "deepseek2",
            ModelConfig.Llama => "llama",
            var other => throw new NotSupportedException($"model_type '{other}' has no GGUF export (supported: qwen2, qwen3, qwen3_moe, deepseek_v3, llama)"),
        };
        if (config.Moe is { } moe) GgufExperts.CheckSupported(moe, config.NumHiddenLayers);
        if (config.LatentAttention is not null) GgufDeepseek.CheckSupported(config);
        var file = new GgufFileWriter();
        WriteModelMetadata(file, config, arch, options);
        WriteTokenizerMetadata(file, tokenizer, config, options);
        AddTensors(file, model, arch, options.Type);
        file.Save(path, progress, cancellationToken);
    }

    private static void WriteModelMetadata(GgufFileWriter file, ModelConfig config, string arch, GgufExportOptions options)
    {
        file.Add("general.architecture", arch);
        file.Add("general.name", options.Name);
        file.Add("general.alignment", (uint)GgufFileWriter.Alignment);
        // llama_ftype: ALL_F32 = 0, MOSTLY_F16 = 1, MOSTLY_BF16 = 32.
        file.Add("general.file_type", options.Type switch { GgufTensorType.F32 => 0u, GgufTensorType.F16 => 1u, _ => 32u });
        file.Add($"{arch}.vocab_size", (uint)config.VocabSize);
        file.Add($"{arch}.context_length", (uint)config.MaxPositionEmbeddings);
        file.Add($"{arch}.embedding_length", (uint)config.HiddenSize);
        file.Add($"{arch}.block_count", (uint)config.NumHiddenLayers);
        file.Add($"{arch}.feed_forward_length", (uint)config.IntermediateSize);
        if (config.LatentAttention is not null) GgufDeepseek.AddMetadata(file, arch, config);
        else
        {
            file.Add($"{arch}.attention.head_count", (uint)config.NumAttentionHeads);
            file.Add($"{arch}.attention.head_count_kv", (uint)config.NumKeyValueHeads);
            file.Add($"{arch}.attention.key_length", (uint)config.HeadDim);
            file.Add($"{arch}.attention.value_length", (uint)config.HeadDim);
            file.Add($"{arch}.rope.dimension_count", (uint)config.HeadDim);
        }
        file.Add($"{arch}.rope.freq_base", (float)config.RopeTheta);
        file.Add($"{arch}.attention.layer_norm_rms_epsilon", (float)config.RmsNormEps);
        if (config.Moe is { } moe) GgufExperts.AddMetadata(file, arch, moe);
    }

    private static void WriteTokenizerMetadata(GgufFileWriter file, HuggingFaceTokenizer tokenizer, ModelConfig config, GgufExportOptions options)
    {
        if (tokenizer.VocabSize > config.VocabSize)
            throw new ArgumentException($"the tokenizer has {tokenizer.VocabSize} tokens but the model's vocabulary is {config.VocabSize}");
        string pre = PreTokenizerName(tokenizer.SplitPatterns);
        var tokens = new string[config.VocabSize];
        var types = new int[config.VocabSize];
        for (int id = 0; id < config.VocabSize; id++)
        {
            string? text = tokenizer.TokenText(id);
            bool added = tokenizer.AddedTokens.Any(t => t.Id == id);
            tokens[id] = text ?? $"[PAD{id}]";
            types[id] = text is null ? Unused : !added ? Normal : tokenizer.IsSpecial(id) ? Control : UserDefined;
        }
        file.Add("tokenizer.ggml.model", "gpt2");
        file.Add("tokenizer.ggml.pre", pre);
        file.Add("tokenizer.ggml.tokens", tokens);
        file.Add("tokenizer.ggml.token_type", types);
        file.Add("tokenizer.ggml.merges", tokenizer.Merges);
        if ((tokenizer.BosId ?? config.BosTokenId) is int bos) file.Add("tokenizer.ggml.bos_token_id", (uint)bos);
        if (tokenizer.EosIds.Count > 0) file.Add("tokenizer.ggml.eos_token_id", (uint)tokenizer.EosIds[0]);
        file.Add("tokenizer.ggml.padding_token_id", (uint)tokenizer.PadId);
        file.Add("tokenizer.ggml.add_bos_token", tokenizer.AddsBosToken);
        if (options.ChatTemplate is { } template) file.Add("tokenizer.chat_template", template);
    }

    // llama.cpp names the split regexes it implements; ours must be one of them.
    private static string PreTokenizerName(IReadOnlyList<string> patterns) => patterns switch
    {
        [PreTokenizerPatterns.Qwen2] => "qwen2",
        [PreTokenizerPatterns.Llama3] => "llama-bpe",
        [PreTokenizerPatterns.Gpt2] => "gpt-2",
        _ => throw new NotSupportedException(
            $"the tokenizer's pre-tokenizer ({string.Join(" then ", patterns)}) has no llama.cpp equivalent (supported: Qwen2, Llama 3, GPT-2 regexes)"),
    };

    private static void AddTensors(GgufFileWriter file, CausalLanguageModel model, string arch, GgufTensorType type)
    {
        var config = model.Config;
        var state = model.state_dict();
        if (config.RopeScaling is { RopeType: RopeScaling.Llama3 })
        {
            // llama.cpp divides each rotary frequency by rope_freqs[i]: store unscaled / scaled inverse frequencies.
            float[] scaled = RotaryEmbedding.InverseFrequencies(config);
            float[] plain = RotaryEmbedding.InverseFrequencies(config with { RopeScaling = null });
            float[] factors = plain.Select((p, i) => p / scaled[i]).ToArray();
            file.AddTensor("rope_freqs.weight", [factors.Length], GgufTensorType.F32, () => factors.SelectMany(BitConverter.GetBytes).ToArray());
        }
        foreach (var (name, tensor) in state)
        {
            if (GgufExperts.IsExpertWeight(name))
            {
                GgufExperts.AddStacked(file, state, name, type, config.Moe?.NumExperts ?? config.DeepseekMoe!.NRoutedExperts);
                continue;
            }
            if (GgufDeepseek.IsKvB(name))
            {
                GgufDeepseek.AddSplitKvB(file, name, tensor, config, type);
                continue;
            }
            string ggufName = GgufName(name);
            long[] shape = tensor.shape;
            var elementType = shape.Length >= 2 ? type : GgufTensorType.F32;
            var permute = arch == "llama" ? PermutationHeads(name, config) : null;
            var source = tensor;
            file.AddTensor(ggufName, shape, elementType, () => Bytes(source, elementType, permute));
        }
    }

    // Llama's q_proj/k_proj rows are stored for the rotate-half layout; llama.cpp's `llama` graph expects interleaved
    // pairs, so the converter permutes them per head (k_proj with the KV head count).
    private static int? PermutationHeads(string name, ModelConfig config) =>
        name.EndsWith(".self_attn.q_proj.weight", StringComparison.Ordinal) || name.EndsWith(".self_attn.q_proj.bias", StringComparison.Ordinal) ? config.NumAttentionHeads
        : name.EndsWith(".self_attn.k_proj.weight", StringComparison.Ordinal) || name.EndsWith(".self_attn.k_proj.bias", StringComparison.Ordinal) ? config.NumKeyValueHeads
        : null;

    internal static byte[] Bytes(Tensor tensor, GgufTensorType type, int? permuteHeads)
    {
        using var scope = torch.NewDisposeScope();
        var t = tensor.detach().cpu();
        if (permuteHeads is int heads)
        {
            long rows = t.shape[0];
            long[] rest = t.shape.Skip(1).ToArray();
            t = t.reshape([heads, 2, rows / heads / 2, .. rest]).transpose(1, 2).reshape(t.shape);
        }
        t = t.to(type switch
        {
            GgufTensorType.F32 => ScalarType.Float32,
            GgufTensorType.F16 => ScalarType.Float16,
            _ => ScalarType.BFloat16,
        }).contiguous();
        return t.bytes.ToArray();
    }

    private static string GgufName(string name)
    {
        switch (name)
        {
            case "model.embed_tokens.weight": return "token_embd.weight";
            case "model.norm.weight": return "output_norm.weight";
            case "lm_head.weight": return "output.weight";
        }
        const string prefix = "model.layers.";
        if (name.StartsWith(prefix, StringComparison.Ordinal))
        {
            int dot = name.IndexOf('.', prefix.Length);
            string layer = name[prefix.Length..dot], rest = name[(dot + 1)..];
            string? mapped = rest switch
            {
                "input_layernorm.weight" => "attn_norm.weight",
                "post_attention_layernorm.weight" => "ffn_norm.weight",
                "self_attn.q_proj.weight" => "attn_q.weight",
                "self_attn.q_proj.bias" => "attn_q.bias",
                "self_attn.k_proj.weight" => "attn_k.weight",
                "self_attn.k_proj.bias" => "attn_k.bias",
                "self_attn.v_proj.weight" => "attn_v.weight",
                "self_attn.v_proj.bias" => "attn_v.bias",
                "self_attn.o_proj.weight" => "attn_output.weight",
                "self_attn.o_proj.bias" => "attn_output.bias",
                "self_attn.q_norm.weight" => "attn_q_norm.weight",
                "self_attn.k_norm.weight" => "attn_k_norm.weight",
                "mlp.gate.weight" => "ffn_gate_inp.weight",
                "mlp.gate_proj.weight" => "ffn_gate.weight",
                "mlp.up_proj.weight" => "ffn_up.weight",
                "mlp.down_proj.weight" => "ffn_down.weight",
                _ => GgufDeepseek.LayerTensorName(rest),
            };
            if (mapped is not null) return $"blk.{layer}.{mapped}";
        }
        throw new NotSupportedException($"parameter '{name}' has no GGUF name");
    }
}
