using R1Sharp.Text.Templates;

namespace R1Sharp.Serving;

/// <summary>Renders conversations with a model's Jinja chat template (tokenizer_config.json / chat_template.jinja).</summary>
public sealed class ChatTemplateFormatter(ChatTemplate template) : IChatPromptFormatter
{
    /// <inheritdoc />
    public string Format(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt) =>
        template.Render(messages.Select(m => (m.Role, m.Content)), new ChatTemplateOptions { AddGenerationPrompt = addGenerationPrompt });
}
