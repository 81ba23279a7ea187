using System.Text.Json;

namespace R1Sharp.Tools;

/// <summary>
/// Finds the tool call a completion ends with, in either of two formats:
/// a fenced <c>```python</c> block (tags <c>python</c>, <c>py</c>, <c>python3</c>) closed by <c>```</c>, which becomes a call of
/// the <c>python</c> tool with <c>{"code": ...}</c>; or <c>&lt;tool_call&gt;{"name": ..., "arguments": {...}}&lt;/tool_call&gt;</c>,
/// the format of Qwen's chat template (Hermes style). Only a call that closes at the end of the text (trailing
/// whitespace aside) counts: that is where generation pauses. Pure; no I/O.
/// </summary>
public static class ToolCallParser
{
    /// <summary>Opening tag of a JSON tool call.</summary>
    public const string CallOpen = "<tool_call>";

    /// <summary>Closing tag of a JSON tool call.</summary>
    public const string CallClose = "</tool_call>";

    /// <summary>A Markdown fence.</summary>
    public const string Fence = "```";

    /// <summary>Name of the tool a fenced Python block calls.</summary>
    public const string PythonToolName = "python";

    private static readonly string[] PythonTags = ["python3", "python", "py3", "py"];

    /// <summary>Cheap test on the last few characters: could the text end in a closed call? (Then call <see cref="ParseTrailing"/>.)</summary>
    public static bool MayCloseCall(string tail)
    {
        ArgumentNullException.ThrowIfNull(tail);
        var trimmed = tail.AsSpan().TrimEnd();
        return trimmed.EndsWith(CallClose, StringComparison.Ordinal) || trimmed.EndsWith(Fence, StringComparison.Ordinal);
    }

    /// <summary>The call <paramref name="text"/> ends with, or null when it does not end with a closed call (an unclosed fence, a fence of another language, prose).</summary>
    public static ParsedToolCall? ParseTrailing(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.TrimEnd();
        if (trimmed.EndsWith(CallClose, StringComparison.Ordinal)) return ParseJsonCall(trimmed);
        if (trimmed.EndsWith(Fence, StringComparison.Ordinal)) return ParseFence(trimmed);
        return null;
    }

    private static ParsedToolCall? ParseJsonCall(string trimmed)
    {
        int end = trimmed.Length - CallClose.Length;
        int open = trimmed.LastIndexOf(CallOpen, end, StringComparison.Ordinal);
        if (open < 0) return null;
        return ParseCallBody(trimmed[(open + CallOpen.Length)..end]);
    }

    /// <summary>The call written between <c>&lt;tool_call&gt;</c> and <c>&lt;/tool_call&gt;</c>: <c>{"name": ..., "arguments": {...}}</c> (arguments may be a JSON string holding the object).</summary>
    public static ParsedToolCall ParseCallBody(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        body = body.Trim();
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
                return new ParsedToolCall(null, "error: a tool call needs a JSON object with a \"name\" string and an \"arguments\" object");
            var arguments = root.TryGetProperty("arguments", out var a) ? a.Clone() : JsonDocument.Parse("{}").RootElement.Clone();
            if (arguments.ValueKind == JsonValueKind.String)
            {
                // Some models write the arguments as a JSON string holding an object (OpenAI's wire format).
                try { arguments = JsonDocument.Parse(arguments.GetString()!).RootElement.Clone(); }
                catch (JsonException) { return new ParsedToolCall(null, "error: the tool call's \"arguments\" string is not a JSON object"); }
            }
            if (arguments.ValueKind != JsonValueKind.Object) return new ParsedToolCall(null, "error: the tool call's \"arguments\" must be a JSON object");
            return new ParsedToolCall(new ToolCall(name.GetString()!, arguments), null);
        }
        catch (JsonException e)
        {
            return new ParsedToolCall(null, $"error: the tool call is not valid JSON ({e.Message})");
        }
    }

    private static ParsedToolCall? ParseFence(string trimmed)
    {
        int close = trimmed.Length - Fence.Length;
        // The closing fence starts a line; the block's opening fence is the last fence before it, which must carry a Python tag.
        if (close > 0 && trimmed[close - 1] != '\n') return null;
        int open = close == 0 ? -1 : trimmed.LastIndexOf(Fence, close - 1, StringComparison.Ordinal);
        if (open < 0) return null;
        int lineEnd = trimmed.IndexOf('\n', open);
        if (lineEnd < 0 || lineEnd >= close) return null;
        string tag = trimmed[(open + Fence.Length)..lineEnd].Trim();
        if (!PythonTags.Contains(tag, StringComparer.OrdinalIgnoreCase)) return null;
        string code = trimmed[(lineEnd + 1)..close];
        var arguments = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["code"] = code });
        return new ParsedToolCall(new ToolCall(PythonToolName, arguments), null);
    }
}
