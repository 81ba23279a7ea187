using System.Text.Json.Nodes;
using R1Sharp.Models;
using R1Sharp.Models.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Checkpoints;

/// <summary>
/// LoRA adapters as PEFT saves them, so PEFT, vLLM (<c>--enable-lora</c>) and llama.cpp's converters read them:
/// <c>adapter_config.json</c> (peft_type LORA, task_type CAUSAL_LM, r, lora_alpha, lora_dropout, target_modules,
/// bias none, use_rslora, base_model_name_or_path) and <c>adapter_model.safetensors</c> with PEFT's tensor names
/// (<c>base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight</c> [r, in], <c>lora_B.weight</c> [out, r]).
/// Loading refuses, by field, what R1Sharp does not implement (DoRA, other PEFT types, per-module ranks, bias training).
/// </summary>
public static class PeftAdapterFiles
{
    /// <summary>PEFT's adapter config file name.</summary>
    public const string ConfigFile = "adapter_config.json";

    /// <summary>PEFT's adapter weights file name.</summary>
    public const string WeightsFile = "adapter_model.safetensors";

    /// <summary>Whether <paramref name="dir"/> holds a PEFT adapter (its config file exists).</summary>
    public static bool Exists(string dir) => File.Exists(Path.Combine(dir, ConfigFile));

    /// <summary>Writes the adapter's two files into <paramref name="dir"/> (created if needed; each file atomically).</summary>
    /// <param name="lora">The adapters to save (weights stored in float32, as trained).</param>
    /// <param name="dir">Target directory.</param>
    /// <param name="baseModelNameOrPath">The base checkpoint (Hub id or path), recorded for PEFT's loader.</param>
    /// <param name="cancellationToken">Checked between tensors.</param>
    public static void Save(LoraModel lora, string dir, string? baseModelNameOrPath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lora);
        ArgumentNullException.ThrowIfNull(dir);
        Directory.CreateDirectory(dir);
        var options = lora.Options;
        var targets = new JsonArray();
        foreach (string t in lora.TargetModules) targets.Add(t);
        var config = new JsonObject
        {
            ["alpha_pattern"] = new JsonObject(),
            ["base_model_name_or_path"] = baseModelNameOrPath,
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["layers_pattern"] = null,
            ["layers_to_transform"] = null,
            ["lora_alpha"] = options.Alpha,
            ["lora_dropout"] = options.Dropout,
            ["modules_to_save"] = null,
            ["peft_type"] = "LORA",
            ["r"] = options.Rank,
            ["rank_pattern"] = new JsonObject(),
            ["revision"] = null,
            ["target_modules"] = targets,
            ["task_type"] = "CAUSAL_LM",
            ["use_dora"] = false,
            ["use_rslora"] = options.UseRsLora,
        };
        SafetensorsWriter.Write(Path.Combine(dir, WeightsFile), lora.NamedTensors.Select(t => (t.Name, t.Tensor.detach())).ToList(), cancellationToken: cancellationToken);
        R1Sharp.IO.AtomicFile.WriteAllText(Path.Combine(dir, ConfigFile), JsonFields.ToSortedJson(config));
    }

    /// <summary>Reads <c>adapter_config.json</c> into <see cref="LoraOptions"/>, refusing what is not supported.</summary>
    /// <exception cref="InvalidDataException">A missing file, a bad field, or an unsupported feature; the message names the field.</exception>
    public static LoraOptions ReadOptions(string dir)
    {
        ArgumentNullException.ThrowIfNull(dir);
        string path = Path.Combine(dir, ConfigFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{dir} is not a PEFT adapter: {ConfigFile} is missing", path);
        var json = JsonFields.ParseObject(File.ReadAllText(path), path);
        string peftType = json.String("peft_type") ?? throw json.Error("peft_type", "is missing");
        if (peftType != "LORA") throw json.Error("peft_type", $"is '{peftType}': only LORA adapters are supported");
        string? task = json.String("task_type");
        if (task is not null and not "CAUSAL_LM") throw json.Error("task_type", $"is '{task}': only CAUSAL_LM adapters are supported");
        if (json.Bool("use_dora") == true) throw json.Error("use_dora", "is true: DoRA adapters are not supported");
        if (json.Bool("fan_in_fan_out") == true) throw json.Error("fan_in_fan_out", "is true: only [out, in] linear layers are supported");
        string bias = json.String("bias") ?? "none";
        if (bias != "none") throw json.Error("bias", $"is '{bias}': only adapters without trained biases ('none') are supported");
        foreach (string field in new[] { "rank_pattern", "alpha_pattern" })
            if (json.Root[field] is JsonObject { Count: > 0 }) throw json.Error(field, "is not empty: per-module ranks and alphas are not supported");
        foreach (string field in new[] { "modules_to_save", "layers_to_transform" })
            if (json.Root[field] is JsonArray { Count: > 0 } or JsonValue) throw json.Error(field, "is set: only adapters on every layer without extra trained modules are supported");
        long rank = json.RequiredPositiveInt("r");
        if (rank > int.MaxValue) throw json.Error("r", $"is too large ({rank})");
        double alpha = json.Double("lora_alpha") ?? 8; // PEFT's LoraConfig default
        var options = new LoraOptions
        {
            Rank = (int)rank,
            Alpha = alpha,
            Dropout = json.Double("lora_dropout") ?? 0,
            UseRsLora = json.Bool("use_rslora") ?? false,
            TargetModules = ReadTargets(json),
        };
        var problems = options.Problems(prefix: "");
        if (problems.Count > 0) throw new InvalidDataException($"{path}: {string.Join("; ", problems)}");
        return options;
    }

    /// <summary>
    /// Attaches the adapter in <paramref name="dir"/> to <paramref name="model"/>: every tensor the config implies
    /// must be in the weights file with the base model's shapes, and every tensor there must belong to one.
    /// </summary>
    /// <exception cref="InvalidDataException">The message names the field or tensor that does not fit.</exception>
    public static LoraModel Load(CausalLanguageModel model, string dir)
    {
        ArgumentNullException.ThrowIfNull(model);
        var options = ReadOptions(dir);
        string weights = Path.Combine(dir, WeightsFile);
        if (!File.Exists(weights)) throw new FileNotFoundException($"{dir}: {WeightsFile} is missing (adapters saved as .bin are not read; re-save with safetensors)", weights);
        LoraModel lora;
        try
        {
            lora = LoraModel.Attach(model, options, seed: 0);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{Path.Combine(dir, ConfigFile)}: {e.Message}", e);
        }
        try
        {
            ReadWeightsInto(lora, dir);
            return lora;
        }
        catch
        {
            lora.Detach();
            throw;
        }
    }

    /// <summary>
    /// Copies the weights of the adapter in <paramref name="dir"/> into <paramref name="lora"/>'s adapters (a resume):
    /// the file must hold exactly the adapters' tensors, with their shapes.
    /// </summary>
    /// <exception cref="InvalidDataException">A missing, extra or mis-shaped tensor, named.</exception>
    public static void ReadWeightsInto(LoraModel lora, string dir)
    {
        ArgumentNullException.ThrowIfNull(lora);
        string weights = Path.Combine(dir, WeightsFile);
        if (!File.Exists(weights)) throw new FileNotFoundException($"{dir}: {WeightsFile} is missing (adapters saved as .bin are not read; re-save with safetensors)", weights);
        using var file = SafetensorsFile.Open(weights);
        var expected = lora.NamedTensors.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string name in file.Entries.Keys.Order(StringComparer.Ordinal))
            if (!expected.Contains(Normalize(name)))
                throw new InvalidDataException($"{weights}: tensor '{name}' belongs to no adapted module of this base model (target_modules {string.Join(",", lora.TargetModules)})");
        var present = file.Entries.Keys.ToDictionary(Normalize, n => n, StringComparer.Ordinal);
        foreach (string name in expected)
        {
            if (!present.TryGetValue(name, out string? stored)) throw new InvalidDataException($"{weights}: tensor '{name}' is missing");
            using var values = file.Read(stored, torch.CPU, ScalarType.Float32);
            try
            {
                lora.CopyInto(name, values);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{weights}: {e.Message}", e);
            }
        }
    }

    /// <summary>Older PEFT releases kept the adapter name in the tensor name (<c>lora_A.default.weight</c>).</summary>
    private static string Normalize(string name) =>
        name.Replace(".lora_A.default.weight", ".lora_A.weight", StringComparison.Ordinal)
            .Replace(".lora_B.default.weight", ".lora_B.weight", StringComparison.Ordinal);

    private static List<string> ReadTargets(JsonFields json)
    {
        var node = json.Root["target_modules"];
        if (node is null) return [];
        if (node is JsonArray array)
        {
            var targets = new List<string>(array.Count);
            for (int i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonValue v && v.TryGetValue(out string? s) && !string.IsNullOrWhiteSpace(s)) targets.Add(s);
                else throw json.Error($"target_modules[{i}]", $"must be a module name (found {array[i]?.ToJsonString() ?? "null"})");
            }
            return targets;
        }
        string single = json.String("target_modules")!;
        return [single];
    }
}
