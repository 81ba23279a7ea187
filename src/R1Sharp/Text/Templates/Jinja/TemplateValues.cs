using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace R1Sharp.Text.Templates.Jinja;

/// <summary>Converts .NET and JSON values into the template's value model (None, bool, int, float, str, list, dict).</summary>
internal static class TemplateValues
{
    public static object? From(object? value) => value switch
    {
        null => null,
        string or bool or long or double => value,
        int i => (long)i,
        short s => (long)s,
        float f => (double)f,
        decimal m => (double)m,
        JsonElement e => FromJson(e),
        JsonNode n => FromJson(JsonSerializer.SerializeToElement(n)),
        Callable or Namespace or Undefined => value,
        IDictionary<string, object?> dict => dict.ToDictionary(p => p.Key, p => From(p.Value), StringComparer.Ordinal),
        IReadOnlyDictionary<string, string> dict => dict.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal),
        IEnumerable items => items.Cast<object?>().Select(From).ToList(),
        _ => throw new ArgumentException($"values of type {value.GetType().Name} cannot be passed to a template"),
    };

    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out long l) ? (object)l : element.GetDouble(),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
        _ => null,
    };
}
