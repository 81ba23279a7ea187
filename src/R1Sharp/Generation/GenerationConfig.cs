using System.Text.Json.Nodes;
using R1Sharp.Models;

namespace R1Sharp.Generation;

/// <summary>
/// A Hugging Face <c>generation_config.json</c>: the model author's default sampling settings and stop ids. Keys
/// this type does not model are kept in <see cref="AdditionalFields"/> and written back by <see cref="Save"/>.
/// </summary>
public sealed record GenerationConfig
{
    /// <summary><c>bos_token_id</c>.</summary>
    public int? BosTokenId { get; init; }

    /// <summary><c>eos_token_id</c> (an int or a list in the file; empty when absent).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary><c>pad_token_id</c>.</summary>
    public int? PadTokenId { get; init; }

    /// <summary><c>do_sample</c>: false means greedy decoding (transformers' default when absent).</summary>
    public bool? DoSample { get; init; }

    /// <summary><c>temperature</c> (transformers' default 1.0).</summary>
    public double? Temperature { get; init; }

    /// <summary><c>top_p</c> (transformers' default 1.0).</summary>
    public double? TopP { get; init; }

    /// <summary><c>top_k</c> (transformers' default 50 when sampling).</summary>
    public int? TopK { get; init; }

    /// <summary><c>min_p</c>.</summary>
    public double? MinP { get; init; }

    /// <summary><c>max_new_tokens</c>.</summary>
    public int? MaxNewTokens { get; init; }

    /// <summary>Every other key of the file, written back unchanged (repetition_penalty, transformers_version, ...).</summary>
    public JsonObject AdditionalFields { get; init; } = [];

    /// <summary>Reads generation_config.json.</summary>
    /// <exception cref="InvalidDataException">A field has the wrong type; the message names the field and the file.</exception>
    public static GenerationConfig Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses generation_config.json text; <paramref name="sourceName"/> appears in error messages.</summary>
    /// <exception cref="InvalidDataException">A field has the wrong type; the message names the field and the source.</exception>
    public static GenerationConfig Parse(string json, string sourceName)
    {
        var f = JsonFields.ParseObject(json, sourceName);
        string[] modelled = ["bos_token_id", "eos_token_id", "pad_token_id", "do_sample", "temperature", "top_p", "top_k", "min_p", "max_new_tokens"];
        var extra = new JsonObject();
        foreach (var (key, value) in f.Root)
            if (!modelled.Contains(key)) extra[key] = value?.DeepClone();
        var config = new GenerationConfig
        {
            BosTokenId = Id(f, "bos_token_id"),
            EosTokenIds = f.IntOrIntList("eos_token_id"),
            PadTokenId = Id(f, "pad_token_id"),
            DoSample = f.Bool("do_sample"),
            Temperature = f.Double("temperature"),
            TopP = f.Double("top_p"),
            TopK = Id(f, "top_k"),
            MinP = f.Double("min_p"),
            MaxNewTokens = Id(f, "max_new_tokens"),
            AdditionalFields = extra,
        };
        if (config.Temperature is < 0) throw f.Error("temperature", "must not be negative");
        if (config.TopP is <= 0 or > 1) throw f.Error("top_p", "must be in (0, 1]");
        if (config.MinP is < 0 or > 1) throw f.Error("min_p", "must be in [0, 1]");
        return config;
    }

    /// <summary>A config carrying the model's bos/eos ids (what <c>r1 new-model</c> writes when no file is given).</summary>
    public static GenerationConfig FromModelConfig(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new GenerationConfig { BosTokenId = config.BosTokenId, EosTokenIds = config.EosTokenIds };
    }

    /// <summary>The JSON <see cref="Save"/> writes (sorted keys).</summary>
    public string ToJson()
    {
        var o = (JsonObject)AdditionalFields.DeepClone();
        if (BosTokenId is int bos) o["bos_token_id"] = bos;
        if (EosTokenIds.Count == 1) o["eos_token_id"] = EosTokenIds[0];
        else if (EosTokenIds.Count > 1) o["eos_token_id"] = new JsonArray(EosTokenIds.Select(id => (JsonNode)id).ToArray());
        if (PadTokenId is int pad) o["pad_token_id"] = pad;
        if (DoSample is bool sample) o["do_sample"] = sample;
        if (Temperature is double t) o["temperature"] = t;
        if (TopP is double p) o["top_p"] = p;
        if (TopK is int k) o["top_k"] = k;
        if (MinP is double m) o["min_p"] = m;
        if (MaxNewTokens is int n) o["max_new_tokens"] = n;
        return JsonFields.ToSortedJson(o);
    }

    /// <summary>Writes generation_config.json atomically.</summary>
    public void Save(string path) => R1Sharp.IO.AtomicFile.WriteAllText(path, ToJson());

    /// <summary>
    /// <paramref name="options"/> with this file's settings applied: its eos ids, and when it samples, its
    /// temperature / top-p / top-k / min-p; <c>do_sample: false</c> gives greedy decoding.
    /// </summary>
    public SamplingOptions ApplyTo(SamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = options with
        {
            EosIds = EosTokenIds.Count > 0 ? EosTokenIds : options.EosIds,
            PadId = PadTokenId ?? options.PadId,
            MaxNewTokens = MaxNewTokens ?? options.MaxNewTokens,
        };
        if (DoSample == false) return result with { Temperature = 0 };
        return result with
        {
            Temperature = Temperature ?? result.Temperature,
            TopP = TopP ?? result.TopP,
            TopK = TopK ?? result.TopK,
            MinP = MinP ?? result.MinP,
        };
    }

    private static int? Id(JsonFields f, string field)
    {
        long? v = f.Int(field);
        if (v is null) return null;
        if (v < 0 || v > int.MaxValue) throw f.Error(field, $"must be a non-negative integer (found {v})");
        return (int)v;
    }
}
