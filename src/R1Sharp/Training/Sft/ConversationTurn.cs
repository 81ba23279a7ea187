using System.Text.Json.Serialization;

namespace R1Sharp.Training.Sft;

/// <summary>One message of a chat conversation, as in a data set's <c>messages</c> column.</summary>
/// <param name="Role"><c>system</c>, <c>user</c>, <c>assistant</c> (or any role the chat template knows).</param>
/// <param name="Content">The message text.</param>
public sealed record ConversationTurn(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] string Content)
{
    /// <summary>The role whose tokens carry the SFT loss.</summary>
    public const string AssistantRole = "assistant";

    /// <summary>True for assistant turns (the only turns trained on).</summary>
    [JsonIgnore]
    public bool IsAssistant => string.Equals(Role, AssistantRole, StringComparison.Ordinal);
}
