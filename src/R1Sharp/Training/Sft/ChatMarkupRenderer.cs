using System.Text;

namespace R1Sharp.Training.Sft;

/// <summary>
/// Built-in ChatML renderer (<c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c>), the format of Qwen2/Qwen2.5
/// chat models, for models that come without a chat template (e.g. the built-in <c>r1 zero</c> models).
/// Real checkpoints should use their own tokenizer_config.json template.
/// </summary>
public sealed class ChatMarkupRenderer : IConversationRenderer
{
    /// <summary>Token that opens a message.</summary>
    public const string MessageStart = "<|im_start|>";

    /// <summary>Token that closes a message (and ends an assistant turn at generation time).</summary>
    public const string MessageEnd = "<|im_end|>";

    /// <inheritdoc />
    public string Render(IReadOnlyList<ConversationTurn> turns, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(turns);
        var text = new StringBuilder();
        foreach (var turn in turns)
            text.Append(MessageStart).Append(turn.Role).Append('\n').Append(turn.Content).Append(MessageEnd).Append('\n');
        if (addGenerationPrompt)
            text.Append(MessageStart).Append(ConversationTurn.AssistantRole).Append('\n');
        return text.ToString();
    }
}
