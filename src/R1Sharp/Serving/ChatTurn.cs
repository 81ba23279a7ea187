namespace R1Sharp.Serving;

/// <summary>One message of a conversation, as chat templates take it.</summary>
/// <param name="Role">system, user, assistant or tool.</param>
/// <param name="Content">The message text.</param>
public sealed record ChatTurn(string Role, string Content)
{
    /// <summary>An assistant message's tool calls (OpenAI <c>tool_calls</c>), or null.</summary>
    public IReadOnlyList<ChatToolCall>? ToolCalls { get; init; }

    /// <summary>A tool message's answer to the call of this id (OpenAI <c>tool_call_id</c>), or null.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>True when the message carries tool fields a template without tool support cannot render.</summary>
    public bool UsesTools => ToolCalls is { Count: > 0 } || ToolCallId is not null || Role == "tool";
}
