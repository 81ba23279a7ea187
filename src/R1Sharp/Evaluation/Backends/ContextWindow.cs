using System.Text;
using System.Text.Json;

namespace R1Sharp.Evaluation.Backends;

/// <summary>
/// Fits <c>max_tokens</c> into a served model's context. Without the server's tokenizer the prompt's length is
/// over-estimated (UTF-8 bytes / 2, plus a margin for the chat template), so the cap errs on the
/// side of a request the server accepts.
/// </summary>
internal static class ContextWindow
{
    /// <summary>Tokens allowed for the chat template's special tokens and role headers.</summary>
    private const int TemplateMargin = 32;

    public static int PromptTokenUpperBound(IReadOnlyList<PromptMessage> messages) =>
        messages.Sum(m => Encoding.UTF8.GetByteCount(m.Content) / 2 + 8) + TemplateMargin;

    /// <summary>The max_tokens to send: the request's, capped to what is left of the context (at least 0).</summary>
    public static int Cap(int requested, int? contextLength, IReadOnlyList<PromptMessage> messages) =>
        contextLength is { } context ? Math.Max(0, Math.Min(requested, context - PromptTokenUpperBound(messages))) : requested;

    /// <summary>The context length a <c>/models</c> reply gives for <paramref name="model"/> (vLLM: <c>max_model_len</c>), or null.</summary>
    public static int? FromModelsReply(string json, string model)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array) return null;
            foreach (var entry in data.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("id", out var id) || id.GetString() != model) continue;
                foreach (string field in (ReadOnlySpan<string>)["max_model_len", "context_length", "max_context_length"])
                    if (entry.TryGetProperty(field, out var length) && length.TryGetInt32(out int tokens) && tokens > 0)
                        return tokens;
            }
        }
        catch (JsonException)
        {
            // A server without a usable /models simply gives no cap.
        }
        return null;
    }
}
