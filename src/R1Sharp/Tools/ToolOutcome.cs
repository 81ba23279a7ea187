namespace R1Sharp.Tools;

/// <summary>What one tool call gave back.</summary>
/// <param name="Output">The text the model sees (already truncated to the byte limit; an error message when it failed).</param>
/// <param name="Failed">The call failed: unreadable, unknown tool, an exception, a non-zero exit, a timeout.</param>
/// <param name="Elapsed">Wall-clock time of the call.</param>
public sealed record ToolOutcome(string Output, bool Failed, TimeSpan Elapsed);
