using System.Text.Json;
using System.Text.Json.Nodes;

namespace R1Sharp.Models;

/// <summary>
/// Typed reads of Hugging Face JSON files (config.json, generation_config.json) whose errors name the file and the
/// field, so a user with a broken file knows exactly what to fix.
/// </summary>
internal sealed class JsonFields(JsonObject root, string sourceName)
{
    public JsonObject Root { get; } = root;

    public string SourceName { get; } = sourceName;

    public static JsonFields ParseObject(string json, string sourceName)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sourceName}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        if (node is not JsonObject obj)
            throw new InvalidDataException($"{sourceName}: expected a JSON object at the top level");
        return new JsonFields(obj, sourceName);
    }

    public bool Has(string field) => Root.TryGetPropertyValue(field, out var node) && node is not null;

    public InvalidDataException Error(string field, string problem) =>
        new($"{SourceName}: field '{field}' {problem}");

    public long RequiredPositiveInt(string field)
    {
        if (!Has(field)) throw Error(field, "is missing");
        long value = Int(field) ?? throw Error(field, "is missing");
        if (value <= 0) throw Error(field, $"must be positive (found {value})");
        return value;
    }

    public long? Int(string field)
    {
        if (!Root.TryGetPropertyValue(field, out var node) || node is null) return null;
        if (node is JsonValue v && v.TryGetValue(out long l)) return l;
        if (node is JsonValue d && d.TryGetValue(out double x) && x == Math.Floor(x) && Math.Abs(x) < 9e15) return (long)x;
        throw Error(field, $"must be an integer (found {node.ToJsonString()})");
    }

    public double? Double(string field)
    {
        if (!Root.TryGetPropertyValue(field, out var node) || node is null) return null;
        if (node is JsonValue v && v.TryGetValue(out double d))
        {
            if (!double.IsFinite(d)) throw Error(field, "must be a finite number");
            return d;
        }
        throw Error(field, $"must be a number (found {node.ToJsonString()})");
    }

    public bool? Bool(string field)
    {
        if (!Root.TryGetPropertyValue(field, out var node) || node is null) return null;
        if (node is JsonValue v && v.TryGetValue(out bool b)) return b;
        throw Error(field, $"must be true or false (found {node.ToJsonString()})");
    }

    public string? String(string field)
    {
        if (!Root.TryGetPropertyValue(field, out var node) || node is null) return null;
        if (node is JsonValue v && v.TryGetValue(out string? s)) return s;
        throw Error(field, $"must be a string (found {node.ToJsonString()})");
    }

    /// <summary>An id field that may be a single integer or a list of integers (eos_token_id).</summary>
    public IReadOnlyList<int> IntOrIntList(string field)
    {
        if (!Root.TryGetPropertyValue(field, out var node) || node is null) return [];
        if (node is JsonArray array)
        {
            var ids = new List<int>(array.Count);
            for (int i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonValue v && v.TryGetValue(out int id) && id >= 0) ids.Add(id);
                else throw Error($"{field}[{i}]", $"must be a non-negative integer (found {array[i]?.ToJsonString() ?? "null"})");
            }
            return ids;
        }
        long single = Int(field)!.Value;
        if (single < 0 || single > int.MaxValue) throw Error(field, $"must be a non-negative token id (found {single})");
        return [(int)single];
    }

    /// <summary>Writes sorted keys with two-space indentation, as transformers' <c>save_pretrained</c> does.</summary>
    public static string ToSortedJson(JsonObject obj)
    {
        var sorted = new JsonObject();
        foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
            sorted[key] = value?.DeepClone();
        return sorted.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
