using System.Text.Json;
using System.Text.Json.Serialization;

namespace R1Sharp.Training.Configuration;

/// <summary>
/// <c>lora_target_modules</c> as users write it: a YAML/JSON list (<c>[q_proj, v_proj]</c>, open-r1's recipes) or one
/// comma-separated string (<c>q_proj,v_proj</c>, <c>all-linear</c>; what a flag or <c>--set</c> gives). Held as the
/// comma-separated string, so options records stay comparable by value.
/// </summary>
internal sealed class LoraTargetModulesJsonConverter : JsonConverter<string>
{
    /// <summary>The names in a comma-separated list (empty entries dropped).</summary>
    public static IReadOnlyList<string> Split(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return string.Join(",", Split(reader.GetString()!));
        if (reader.TokenType == JsonTokenType.Null) return "";
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected a list of module names or a comma-separated string");
        var names = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException("expected module names (strings)");
            names.AddRange(Split(reader.GetString()!));
        }
        return string.Join(",", names);
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (string name in Split(value)) writer.WriteStringValue(name);
        writer.WriteEndArray();
    }
}
