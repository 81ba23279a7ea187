namespace R1Sharp.Training.Sft;

/// <summary>
/// Turns messages into the exact text the model sees (a chat template). The SFT loss mask is derived from
/// renders of conversation prefixes, so any renderer works — the built-in ones or a tokenizer_config.json
/// Jinja template — as long as rendering a longer prefix only appends text.
/// </summary>
public interface IConversationRenderer
{
    /// <summary>Renders <paramref name="turns"/>; with <paramref name="addGenerationPrompt"/> the header that opens
    /// the next assistant turn is appended (Hugging Face's <c>add_generation_prompt</c>).</summary>
    string Render(IReadOnlyList<ConversationTurn> turns, bool addGenerationPrompt);
}
