namespace R1Sharp.Tools;

/// <summary>A reply split into the text before its tool calls and the calls (<see cref="ToolCallSplitter"/>).</summary>
/// <param name="Content">The text before the first call, trimmed; null when there is none. The whole reply when it holds no call.</param>
/// <param name="Calls">The calls in order; empty when the reply holds none (or a block that does not parse).</param>
/// <param name="ContentEnd">Where the content ends in the reply: the first <c>&lt;tool_call&gt;</c>'s index, or the reply's length without calls.</param>
public sealed record ToolCallSplit(string? Content, IReadOnlyList<ToolCall> Calls, int ContentEnd);
