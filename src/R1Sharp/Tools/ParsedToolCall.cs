namespace R1Sharp.Tools;

/// <summary>A tool call found at the end of a completion: either a call, or why the text that closes like one is not one.</summary>
/// <param name="Call">The call, or null when <paramref name="Error"/> says why none could be read.</param>
/// <param name="Error">A message for the model (malformed JSON, a missing name), or null when <paramref name="Call"/> is set.</param>
public sealed record ParsedToolCall(ToolCall? Call, string? Error);
