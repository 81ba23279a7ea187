namespace R1Sharp.Serving;

/// <summary>A tool call of an assistant message, as OpenAI's <c>tool_calls</c> carry it.</summary>
/// <param name="Id">The call's id (a tool message answers it by <c>tool_call_id</c>).</param>
/// <param name="Name">The function called.</param>
/// <param name="Arguments">Its arguments: a JSON object, as the JSON text OpenAI's wire format carries.</param>
public sealed record ChatToolCall(string Id, string Name, string Arguments);
