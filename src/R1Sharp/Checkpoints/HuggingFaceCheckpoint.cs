using System.Text.Json.Nodes;
using R1Sharp.Generation;
using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Checkpoints;

/// <summary>
/// Loads and saves Hugging Face model directories (config.json, generation_config.json, model.safetensors or
/// sharded model-*.safetensors + model.safetensors.index.json), so a model trained here loads in transformers,
/// vLLM or llama.cpp's converter, and their checkpoints load here.
/// </summary>
public static class HuggingFaceCheckpoint
{
    /// <summary>
    /// Builds the model described by <c>dir/config.json</c> and fills it from the directory's safetensors weights.
    /// </summary>
    /// <param name="dir">Checkpoint directory.</param>
    /// <param name="device">Device for the parameters.</param>
    /// <param name="dtype">Parameter dtype (default: config.json's torch_dtype, else float32). Stored values are converted.</param>
    /// <param name="strict">
    /// True: every model parameter must be in the files and every stored tensor must be a model parameter; the
    /// error lists all missing and unexpected names. False: missing parameters keep a random initialisation and
    /// unexpected tensors are ignored.
    /// </param>
    /// <exception cref="FileNotFoundException">No config.json or no weights.</exception>
    /// <exception cref="InvalidDataException">A file is invalid, a shape differs from the model's, or (strict) names do not match.</exception>
    public static (CausalLanguageModel Model, ModelConfig Config) Load(string dir, Device device, ScalarType? dtype = null, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(dir);
        ArgumentNullException.ThrowIfNull(device);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"checkpoint directory '{dir}' does not exist");
        string configPath = Path.Combine(dir, "config.json");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"{dir}: config.json is missing", configPath);
        var config = ModelConfig.Load(configPath);
        var type = dtype ?? StoredDtype(config) ?? ScalarType.Float32;
        using var weights = WeightFiles.Open(dir);

        var model = strict
            ? CausalLanguageModel.CreateUninitialized(config, device, type)
            : CausalLanguageModel.Create(config, device, type, seed: 0);
        try
        {
            var parameters = model.state_dict();
            var stored = weights.Sources.Keys.Where(k => !IsIgnorable(k, config)).ToHashSet(StringComparer.Ordinal);
            var multiToken = stored.Where(k => IsMultiTokenPrediction(k, config)).ToList();
            if (multiToken.Count > 0)
            {
                // DeepSeek-V3 ships its multi-token-prediction module as extra layers after num_hidden_layers.
                Console.Error.WriteLine($"note: {dir}: skipped {multiToken.Count} multi-token-prediction tensor(s) of layer(s) >= {config.NumHiddenLayers} (num_nextn_predict_layers); they are not used for next-token prediction");
                stored.ExceptWith(multiToken);
            }
            var missing = parameters.Keys.Where(k => !stored.Contains(k)).ToList();
            var unexpected = stored.Where(k => !parameters.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
            if (strict && (missing.Count > 0 || unexpected.Count > 0))
            {
                var message = $"{dir}: the weights do not match the {config.ModelType} model of config.json";
                if (missing.Count > 0) message += $"; missing ({missing.Count}): {string.Join(", ", missing)}";
                if (unexpected.Count > 0) message += $"; unexpected ({unexpected.Count}): {string.Join(", ", unexpected)}";
                throw new InvalidDataException(message);
            }
            using var noGrad = torch.no_grad();
            foreach (var (name, parameter) in parameters)
                if (weights.Sources.TryGetValue(name, out var file))
                    file.CopyInto(name, parameter);
            model.eval();
            return (model, config);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="model"/> as a Hugging Face checkpoint into <paramref name="dir"/>, replacing any
    /// checkpoint there as a whole (written into a temp directory beside it, then renamed into place). Other files
    /// already in the directory (tokenizer files, chat template) are kept.
    /// </summary>
    /// <param name="model">The model to save.</param>
    /// <param name="config">Its config (written with torch_dtype set to the stored dtype).</param>
    /// <param name="dir">Target directory (created if needed).</param>
    /// <param name="generation">generation_config.json to write; null keeps an existing one.</param>
    /// <param name="options">Shard size and stored dtype.</param>
    /// <param name="cancellationToken">Checked between tensors; a cancelled save leaves the old checkpoint untouched.</param>
    public static void Save(CausalLanguageModel model, ModelConfig config, string dir, GenerationConfig? generation = null, CheckpointSaveOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(dir);
        options ??= new CheckpointSaveOptions();
        if (options.MaxShardBytes <= 0) throw new ArgumentException($"CheckpointSaveOptions.MaxShardBytes must be positive (got {options.MaxShardBytes})");
        var type = options.Dtype ?? model.Dtype;
        var tensors = model.state_dict().ToList();
        var shards = PlanShards(tensors, (int)torch.empty([0], type).ElementSize, options.MaxShardBytes);
        var savedConfig = config with { TorchDtype = DeviceSelection.HuggingFaceDtypeName(type) };

        CheckpointDirectory.Replace(dir, temp =>
        {
            savedConfig.Save(Path.Combine(temp, "config.json"));
            generation?.Save(Path.Combine(temp, "generation_config.json"));
            var weightMap = new JsonObject();
            long totalBytes = 0;
            for (int s = 0; s < shards.Count; s++)
            {
                string fileName = shards.Count == 1 ? WeightFiles.SingleFile : $"model-{s + 1:D5}-of-{shards.Count:D5}.safetensors";
                using var scope = torch.NewDisposeScope();
                var converted = shards[s].Select(p => (p.Key, p.Value.dtype == type ? p.Value : p.Value.detach().to(type))).ToList();
                SafetensorsWriter.Write(Path.Combine(temp, fileName), converted, cancellationToken: cancellationToken);
                foreach (var (name, tensor) in converted)
                {
                    weightMap[name] = fileName;
                    totalBytes += tensor.numel() * tensor.ElementSize;
                }
            }
            if (shards.Count > 1)
            {
                var index = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["total_size"] = totalBytes },
                    ["weight_map"] = weightMap,
                };
                R1Sharp.IO.AtomicFile.WriteAllText(Path.Combine(temp, WeightFiles.IndexFile), JsonFields.ToSortedJson(index));
            }
        }, keepExistingGenerationConfig: generation is null);
    }

    /// <summary>Greedy in parameter order: a new shard starts when the next tensor would push this one past the limit.</summary>
    private static List<List<KeyValuePair<string, Tensor>>> PlanShards(List<KeyValuePair<string, Tensor>> tensors, int elementSize, long maxBytes)
    {
        var shards = new List<List<KeyValuePair<string, Tensor>>> { new() };
        long current = 0;
        foreach (var pair in tensors)
        {
            long bytes = pair.Value.numel() * elementSize;
            if (current > 0 && current + bytes > maxBytes)
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(pair);
            current += bytes;
        }
        return shards;
    }

    /// <summary>Stored tensors transformers itself ignores: a tied head saved anyway, and old rotary tables.</summary>
    private static bool IsIgnorable(string name, ModelConfig config) =>
        (config.TieWordEmbeddings && name == "lm_head.weight") || name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal);

    private static bool IsMultiTokenPrediction(string name, ModelConfig config)
    {
        const string prefix = "model.layers.";
        if (config.ModelType != ModelConfig.DeepseekV3 || !name.StartsWith(prefix, StringComparison.Ordinal)) return false;
        int dot = name.IndexOf('.', prefix.Length);
        return dot > 0 && int.TryParse(name.AsSpan(prefix.Length, dot - prefix.Length), out int layer) && layer >= config.NumHiddenLayers;
    }

    private static ScalarType? StoredDtype(ModelConfig config) => config.TorchDtype switch
    {
        "float32" => ScalarType.Float32,
        "bfloat16" => ScalarType.BFloat16,
        "float16" => ScalarType.Float16,
        _ => null,
    };
}
