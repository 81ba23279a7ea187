using System.Text.Json;
using R1Sharp.Text.Tokenization;

namespace R1Sharp.Text;

/// <summary>Typed reads of JSON fields that fail with the file and JSON path of the offending value.</summary>
internal static class JsonFields
{
    public static JsonDocument Parse(string file)
    {
        if (!File.Exists(file)) throw new FileNotFoundException($"{file}: file not found", file);
        try
        {
            using var stream = File.OpenRead(file);
            return JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException(file, $"line {(e.LineNumber ?? 0) + 1}", "not valid JSON: " + e.Message);
        }
    }

    public static JsonElement? Optional(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static JsonElement Required(JsonElement obj, string name, string file, string path) =>
        Optional(obj, name) ?? throw new TokenizerFormatException(file, $"{path}.{name}", "required field is missing");

    public static string? OptionalString(JsonElement obj, string name, string file, string path)
    {
        var value = Optional(obj, name);
        if (value is null) return null;
        return value.Value.ValueKind == JsonValueKind.String
            ? value.Value.GetString()
            : throw new TokenizerFormatException(file, $"{path}.{name}", $"expected a string, found {value.Value.ValueKind}");
    }

    public static bool OptionalBool(JsonElement obj, string name, bool fallback, string file, string path)
    {
        var value = Optional(obj, name);
        if (value is null) return fallback;
        return value.Value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new TokenizerFormatException(file, $"{path}.{name}", $"expected true or false, found {value.Value.ValueKind}"),
        };
    }

    public static int Int(JsonElement value, string file, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result) && result >= 0
            ? result
            : throw new TokenizerFormatException(file, path, $"expected a non-negative integer, found {value.GetRawText()}");

    /// <summary>A token written either as a string or as an AddedToken object with <c>content</c>.</summary>
    public static string? TokenText(JsonElement obj, string name, string file, string path)
    {
        var value = Optional(obj, name);
        if (value is null) return null;
        return value.Value.ValueKind switch
        {
            JsonValueKind.String => value.Value.GetString(),
            JsonValueKind.Object => OptionalString(value.Value, "content", file, $"{path}.{name}")
                ?? throw new TokenizerFormatException(file, $"{path}.{name}.content", "required field is missing"),
            _ => throw new TokenizerFormatException(file, $"{path}.{name}", $"expected a string or an object with content, found {value.Value.ValueKind}"),
        };
    }

    /// <summary>Reads an added-token object (tokenizer.json's added_tokens entries, added_tokens_decoder values).</summary>
    public static AddedToken AddedTokenFrom(JsonElement obj, int id, string file, string path)
    {
        if (obj.ValueKind != JsonValueKind.Object)
            throw new TokenizerFormatException(file, path, $"expected an object, found {obj.ValueKind}");
        string content = OptionalString(obj, "content", file, path)
            ?? throw new TokenizerFormatException(file, $"{path}.content", "required field is missing");
        if (content.Length == 0) throw new TokenizerFormatException(file, $"{path}.content", "an added token cannot be empty");
        return new AddedToken(
            id,
            content,
            OptionalBool(obj, "special", false, file, path),
            OptionalBool(obj, "lstrip", false, file, path),
            OptionalBool(obj, "rstrip", false, file, path),
            OptionalBool(obj, "single_word", false, file, path));
    }
}
