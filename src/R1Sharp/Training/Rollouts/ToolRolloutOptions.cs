using R1Sharp.Tools;

namespace R1Sharp.Training.Rollouts;

/// <summary>How multi-turn rollouts call tools.</summary>
/// <param name="Runner">The registered tools and their limits.</param>
/// <param name="MaxToolCallingIterations">Most tool calls per completion (TRL <c>max_tool_calling_iterations</c>); a call past it ends the completion unanswered.</param>
/// <param name="Format">How a tool message is rendered into the conversation.</param>
public sealed record ToolRolloutOptions(ToolRunner Runner, int MaxToolCallingIterations, ToolMessageFormat Format);
