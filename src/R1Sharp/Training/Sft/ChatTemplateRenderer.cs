using R1Sharp.Text.Templates;

namespace R1Sharp.Training.Sft;

/// <summary>
/// Renders conversations with a model's own chat template (tokenizer_config.json / chat_template.jinja), the way
/// transformers' <c>apply_chat_template</c> does. The clock is stopped when the renderer is made, so templates that
/// print today's date (Llama 3) render every prefix of a conversation alike.
/// </summary>
public sealed class ChatTemplateRenderer : IConversationRenderer
{
    private readonly ChatTemplate _template;
    private readonly ChatTemplateOptions _withPrompt;
    private readonly ChatTemplateOptions _withoutPrompt;

    /// <summary>Wraps <paramref name="template"/>.</summary>
    /// <param name="template">The chat template.</param>
    /// <param name="clock">Clock for <c>strftime_now</c>; null stops the system clock now.</param>
    public ChatTemplateRenderer(ChatTemplate template, TimeProvider? clock = null)
    {
        _template = template ?? throw new ArgumentNullException(nameof(template));
        var fixedClock = clock ?? new FixedClock(DateTimeOffset.Now);
        _withPrompt = new ChatTemplateOptions { AddGenerationPrompt = true, Clock = fixedClock };
        _withoutPrompt = new ChatTemplateOptions { AddGenerationPrompt = false, Clock = fixedClock };
    }

    /// <inheritdoc />
    public string Render(IReadOnlyList<ConversationTurn> turns, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(turns);
        return _template.Render(turns.Select(t => (t.Role, t.Content)), addGenerationPrompt ? _withPrompt : _withoutPrompt);
    }
}
