using System.Text;

namespace R1Sharp.Training.Sft;

/// <summary>
/// DeepSeek-R1's chat format for training: <c>&lt;｜begin▁of▁sentence｜&gt;{system}&lt;｜User｜&gt;{user}&lt;｜Assistant｜&gt;{reply}&lt;｜end▁of▁sentence｜&gt;</c>,
/// the format of the R1-Distill models, but keeping the reply whole. The released template drops everything
/// before <c>&lt;/think&gt;</c> of assistant turns (right for multi-turn inference, wrong for training on reasoning),
/// so SFT on reasoning data uses this one, as open-r1 does with its own training template.
/// </summary>
public sealed class DeepSeekR1Renderer : IConversationRenderer
{
    /// <summary>Beginning-of-sentence token of the R1 tokenizers.</summary>
    public const string BeginOfSentence = "<｜begin▁of▁sentence｜>";

    /// <summary>Token that opens a user turn.</summary>
    public const string UserTag = "<｜User｜>";

    /// <summary>Token that opens an assistant turn.</summary>
    public const string AssistantTag = "<｜Assistant｜>";

    /// <summary>Token that ends an assistant turn.</summary>
    public const string EndOfSentence = "<｜end▁of▁sentence｜>";

    /// <inheritdoc />
    public string Render(IReadOnlyList<ConversationTurn> turns, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(turns);
        var text = new StringBuilder(BeginOfSentence);
        // As in R1's template, system messages are written once, before the first user turn.
        foreach (var system in turns.Where(t => t.Role == "system")) text.Append(system.Content);
        foreach (var turn in turns)
        {
            if (turn.Role == "user") text.Append(UserTag).Append(turn.Content);
            else if (turn.IsAssistant) text.Append(AssistantTag).Append(turn.Content).Append(EndOfSentence);
        }
        if (addGenerationPrompt) text.Append(AssistantTag);
        return text.ToString();
    }
}
