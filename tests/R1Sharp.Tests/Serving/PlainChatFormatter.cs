using R1Sharp.Serving;

namespace R1Sharp.Tests.Serving;

/// <summary>"role: content" lines, then "assistant:" — enough to exercise the server without a Jinja template.</summary>
internal sealed class PlainChatFormatter : IChatPromptFormatter
{
    public string Format(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt) =>
        string.Concat(messages.Select(m => $"{m.Role}: {m.Content}\n")) + (addGenerationPrompt ? "assistant:" : "");
}
