using System.Text.Json.Nodes;
using R1Sharp.Checkpoints;
using R1Sharp.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.RewardModels;

/// <summary>
/// Reads and writes reward models as Hugging Face sequence-classification checkpoints, the layout transformers,
/// TRL and vLLM use: config.json with <c>architectures: ["Qwen2ForSequenceClassification"]</c> (or the Llama, Qwen3,
/// Qwen3Moe, DeepseekV3 one), <c>num_labels: 1</c> (with <c>id2label</c>/<c>label2id</c>) and <c>pad_token_id</c>;
/// model.safetensors with the decoder's <c>model.*</c> tensors and the head <c>score.weight</c> [1, hidden]; no
/// <c>lm_head</c>. <see cref="Load"/> also starts a reward model from a causal language model checkpoint (its
/// <c>lm_head</c> is dropped, the head drawn from a seed), which is how <c>r1 rm</c> begins.
/// </summary>
public static class RewardModelCheckpoint
{
    private const string Suffix = "ForSequenceClassification";

    /// <summary>The transformers class prefix of each model_type.</summary>
    public static string ArchitectureOf(string modelType) => modelType switch
    {
        ModelConfig.Qwen2 => "Qwen2" + Suffix,
        ModelConfig.Qwen3 => "Qwen3" + Suffix,
        ModelConfig.Qwen3Moe => "Qwen3Moe" + Suffix,
        ModelConfig.DeepseekV3 => "DeepseekV3" + Suffix,
        ModelConfig.Llama => "Llama" + Suffix,
        _ => throw new NotSupportedException($"model_type '{modelType}' has no sequence-classification class here"),
    };

    /// <summary>True when <paramref name="directory"/>'s config.json names a <c>…ForSequenceClassification</c> architecture.</summary>
    public static bool IsRewardModel(string directory)
    {
        string path = Path.Combine(directory, "config.json");
        if (!File.Exists(path)) return false;
        return JsonNode.Parse(File.ReadAllText(path))?["architectures"] is JsonArray names
            && names.Any(n => n?.GetValueKind() == System.Text.Json.JsonValueKind.String && n.GetValue<string>().EndsWith(Suffix, StringComparison.Ordinal));
    }

    /// <summary>
    /// Loads a reward model from a sequence-classification checkpoint, or starts one from a causal LM checkpoint
    /// (every <c>model.*</c> tensor is required; <c>lm_head.weight</c> is ignored; the head is drawn from <paramref name="headSeed"/>).
    /// </summary>
    /// <param name="directory">Checkpoint directory.</param>
    /// <param name="device">Device for the parameters.</param>
    /// <param name="dtype">Parameter dtype; null = config.json's torch_dtype, else float32.</param>
    /// <param name="headSeed">Seed of a new head (ignored when the checkpoint has one).</param>
    /// <exception cref="InvalidDataException">A decoder tensor is missing, a shape differs, or a sequence-classification checkpoint lacks <c>score.weight</c> or has <c>num_labels</c> ≠ 1.</exception>
    public static RewardModel Load(string directory, Device device, ScalarType? dtype = null, long headSeed = 0)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string configPath = Path.Combine(directory, "config.json");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"{directory}: config.json is missing", configPath);
        var config = ModelConfig.Load(configPath);
        bool isRewardModel = IsRewardModel(directory);
        if (isRewardModel && LabelCount(config) is int labels && labels != 1)
            throw new InvalidDataException($"{configPath}: num_labels is {labels}; a reward model has one label (a scalar score)");
        var type = dtype ?? config.TorchDtype switch
        {
            "bfloat16" => ScalarType.BFloat16,
            "float16" => ScalarType.Float16,
            _ => ScalarType.Float32,
        };
        using var weights = WeightFiles.Open(directory);
        var body = CausalLanguageModel.CreateUninitialized(RewardModel.BodyConfig(config), device, type);
        Parameter? head = null;
        try
        {
            var parameters = body.state_dict();
            var missing = parameters.Keys.Where(k => !weights.Sources.ContainsKey(k)).ToList();
            if (missing.Count > 0)
                throw new InvalidDataException($"{directory}: the weights lack {missing.Count} tensor(s) of the {config.ModelType} decoder: {string.Join(", ", missing.Take(8))}{(missing.Count > 8 ? ", ..." : "")}");
            using (no_grad())
            {
                foreach (var (name, parameter) in parameters) weights.Sources[name].CopyInto(name, parameter);
            }
            if (weights.Sources.TryGetValue(RewardModel.ScoreTensorName, out var file))
            {
                head = new Parameter(zeros([1, config.HiddenSize], type, device), requires_grad: true);
                file.CopyInto(RewardModel.ScoreTensorName, head);
            }
            else if (isRewardModel)
            {
                throw new InvalidDataException($"{directory}: config.json names a sequence-classification model but the weights have no '{RewardModel.ScoreTensorName}'");
            }
            else
            {
                head = RewardModel.NewHead(config, device, type, RewardModel.StableHeadSeed(headSeed));
            }
            body.eval();
            return new RewardModel(body, head, StoredConfig(config));
        }
        catch
        {
            body.Dispose();
            head?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="model"/> into <paramref name="directory"/> (replaced as a whole; tokenizer files already there are kept).
    /// </summary>
    /// <param name="model">The reward model (merge LoRA adapters first: the head and the full decoder are written).</param>
    /// <param name="directory">Target directory.</param>
    /// <param name="padTokenId">The tokenizer's pad id, written as <c>pad_token_id</c> (transformers needs it to find the last token of a padded batch).</param>
    /// <param name="cancellationToken">Checked between tensors.</param>
    public static void Save(RewardModel model, string directory, int? padTokenId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(directory);
        var extra = (JsonObject)model.Config.AdditionalFields.DeepClone();
        extra["architectures"] = new JsonArray(ArchitectureOf(model.Config.ModelType));
        extra["num_labels"] = 1;
        extra["id2label"] = new JsonObject { ["0"] = "LABEL_0" };
        extra["label2id"] = new JsonObject { ["LABEL_0"] = 0 };
        if (padTokenId is int pad) extra["pad_token_id"] = pad;
        var config = model.Config with { TorchDtype = DeviceSelection.HuggingFaceDtypeName(model.Body.Dtype), AdditionalFields = extra };
        var tensors = model.Body.state_dict().Select(p => (p.Key, p.Value)).Append((RewardModel.ScoreTensorName, (Tensor)model.ScoreWeight)).ToList();
        CheckpointDirectory.Replace(directory, temp =>
        {
            config.Save(Path.Combine(temp, "config.json"));
            SafetensorsWriter.Write(Path.Combine(temp, WeightFiles.SingleFile), tensors, cancellationToken: cancellationToken);
        }, keepExistingGenerationConfig: true);
    }

    /// <summary>Copies the weights stored in <paramref name="directory"/> (a sequence-classification checkpoint) into <paramref name="model"/> (resume).</summary>
    /// <exception cref="InvalidDataException">A tensor is missing or of another shape.</exception>
    public static void LoadWeightsInto(RewardModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var weights = WeightFiles.Open(directory);
        var targets = model.Body.state_dict().Select(p => (p.Key, p.Value)).Append((RewardModel.ScoreTensorName, (Tensor)model.ScoreWeight));
        using var noGrad = no_grad();
        foreach (var (name, tensor) in targets)
        {
            if (!weights.Sources.TryGetValue(name, out var file)) throw new InvalidDataException($"{directory}: the checkpoint has no tensor '{name}'");
            file.CopyInto(name, tensor);
        }
    }

    /// <summary>Writes only the head (<c>score.safetensors</c>), for LoRA checkpoints whose decoder is the frozen base plus a PEFT adapter.</summary>
    public static void SaveHead(RewardModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        SafetensorsWriter.Write(Path.Combine(directory, HeadFileName), [(RewardModel.ScoreTensorName, model.ScoreWeight)]);
    }

    /// <summary>Reads a head written by <see cref="SaveHead"/>.</summary>
    public static void LoadHead(RewardModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var file = SafetensorsFile.Open(Path.Combine(directory, HeadFileName));
        file.CopyInto(RewardModel.ScoreTensorName, model.ScoreWeight);
    }

    /// <summary>File of the head in a LoRA checkpoint.</summary>
    public const string HeadFileName = "score.safetensors";

    // num_labels as written, or the size of id2label.
    private static int? LabelCount(ModelConfig config) =>
        config.AdditionalFields["num_labels"] is JsonValue n && n.TryGetValue(out int count) ? count
        : config.AdditionalFields["id2label"] is JsonObject labels ? labels.Count : null;

    // What is written back: the source's fields, less those of the causal LM class.
    private static ModelConfig StoredConfig(ModelConfig config)
    {
        var extra = (JsonObject)config.AdditionalFields.DeepClone();
        extra.Remove("architectures");
        return config with { AdditionalFields = extra };
    }
}
