namespace R1Sharp.Serving;

/// <summary>Renders a conversation into the prompt text the model was trained on (its chat template).</summary>
public interface IChatPromptFormatter
{
    /// <summary>The prompt for <paramref name="messages"/>; with <paramref name="addGenerationPrompt"/>, ready for the assistant's reply.</summary>
    string Format(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt);
}
