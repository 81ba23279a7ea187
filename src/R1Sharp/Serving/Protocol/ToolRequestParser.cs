using System.Text.Json;

namespace R1Sharp.Serving.Protocol;

/// <summary>
/// The tool fields of a chat request, in OpenAI's format: <c>tools</c> (function definitions, rendered by the chat
/// template), <c>tool_choice</c> (<c>auto</c>, or <c>none</c>: tools neither rendered nor parsed) and an assistant
/// message's <c>tool_calls</c>. <c>required</c> and a named function are refused: nothing constrains the model to call one.
/// </summary>
internal static class ToolRequestParser
{
    /// <summary>The request's tools for the template, or null when it gives none or <c>tool_choice</c> is <c>none</c>.</summary>
    public static JsonElement? Tools(JsonElement root)
    {
        string choice = "auto";
        if (root.TryGetProperty("tool_choice", out var toolChoice) && toolChoice.ValueKind != JsonValueKind.Null)
        {
            choice = toolChoice.ValueKind == JsonValueKind.String ? toolChoice.GetString()! : "a named function";
            if (choice is not ("auto" or "none"))
                throw new RequestValidationException("tool_choice", $"'tool_choice' {(toolChoice.ValueKind == JsonValueKind.String ? $"\"{choice}\"" : choice)} is not supported: nothing constrains the model to call a tool; use \"auto\" or \"none\"");
        }
        if (root.TryGetProperty("parallel_tool_calls", out var parallel) && parallel.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
            throw new RequestValidationException("parallel_tool_calls", "'parallel_tool_calls' must be a boolean");
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind == JsonValueKind.Null) return null;
        if (tools.ValueKind != JsonValueKind.Array) throw new RequestValidationException("tools", "'tools' must be an array of {\"type\": \"function\", \"function\": {...}}");
        int i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            string at = $"tools[{i++}]";
            if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function")
                throw new RequestValidationException("tools", $"'{at}' must be an object with \"type\": \"function\" (the only tool type supported)");
            if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
                throw new RequestValidationException("tools", $"'{at}.function' must be an object with a \"name\" string");
            if (function.TryGetProperty("parameters", out var parameters) && parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                throw new RequestValidationException("tools", $"'{at}.function.parameters' must be a JSON schema object");
        }
        return i == 0 || choice == "none" ? null : tools.Clone();
    }

    /// <summary>Whether validated <paramref name="tools"/> (from <see cref="Tools"/>) declare a function named <paramref name="name"/>.</summary>
    public static bool Declares(JsonElement? tools, string name) =>
        tools is { ValueKind: JsonValueKind.Array } array && array.EnumerateArray().Any(t =>
            t.GetProperty("function").GetProperty("name").GetString() == name);

    /// <summary>An assistant message's tool calls, or null when it has none. Arguments given as an object are kept as its JSON text.</summary>
    public static IReadOnlyList<ChatToolCall>? ToolCalls(JsonElement message, int index)
    {
        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind == JsonValueKind.Null) return null;
        string param = $"messages[{index}].tool_calls";
        if (calls.ValueKind != JsonValueKind.Array) throw new RequestValidationException(param, $"'{param}' must be an array");
        var list = new List<ChatToolCall>();
        foreach (var call in calls.EnumerateArray())
        {
            string at = $"{param}[{list.Count}]";
            if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
                throw new RequestValidationException(param, $"'{at}' must be an object with function.name");
            string arguments = !function.TryGetProperty("arguments", out var a) || a.ValueKind == JsonValueKind.Null ? "{}"
                : a.ValueKind == JsonValueKind.String ? a.GetString()!
                : a.ValueKind == JsonValueKind.Object ? a.GetRawText()
                : throw new RequestValidationException(param, $"'{at}.function.arguments' must be a JSON string (or object)");
            string id = call.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : $"call_{index}_{list.Count}";
            list.Add(new ChatToolCall(id, name.GetString()!, arguments));
        }
        return list.Count == 0 ? null : list;
    }
}
