using System.Text.Json;

namespace R1Sharp.Serving;

/// <summary>Renders a conversation into the prompt text the model was trained on (its chat template).</summary>
public interface IChatPromptFormatter
{
    /// <summary>The prompt for <paramref name="messages"/>; with <paramref name="addGenerationPrompt"/>, ready for the assistant's reply.</summary>
    string Format(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt);

    /// <summary>
    /// The prompt for a conversation with tools: <paramref name="tools"/> (OpenAI's <c>tools</c> array, or null) and messages
    /// that may carry tool calls and tool answers. A formatter that cannot render them throws <see cref="NotSupportedException"/>.
    /// </summary>
    string Format(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt, JsonElement? tools) =>
        tools is null && !messages.Any(m => m.UsesTools)
            ? Format(messages, addGenerationPrompt)
            : throw new NotSupportedException("this model's prompt format cannot render tools");
}
