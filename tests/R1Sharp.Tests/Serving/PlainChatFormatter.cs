using System.Text.Json;
using R1Sharp.Serving;

namespace R1Sharp.Tests.Serving;

/// <summary>"role: content" lines, then "assistant:" — enough to exercise the server without a Jinja template. Tools: a "tools:" line, calls as "call NAME(ARGS)".</summary>
internal sealed class PlainChatFormatter : IChatPromptFormatter
{
    public string Format(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt) =>
        string.Concat(messages.Select(m => $"{m.Role}: {m.Content}\n")) + (addGenerationPrompt ? "assistant:" : "");

    public string Format(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt, JsonElement? tools) =>
        (tools is { } t ? $"tools: {string.Join(", ", t.EnumerateArray().Select(x => x.GetProperty("function").GetProperty("name").GetString()))}\n" : "")
        + string.Concat(messages.Select(m => $"{m.Role}: {m.Content}{string.Concat((m.ToolCalls ?? []).Select(c => $" call {c.Name}({c.Arguments})"))}\n"))
        + (addGenerationPrompt ? "assistant:" : "");
}
