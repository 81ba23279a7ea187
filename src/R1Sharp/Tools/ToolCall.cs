using System.Text.Json;

namespace R1Sharp.Tools;

/// <summary>One tool call the policy wrote: the tool's name and its JSON arguments.</summary>
/// <param name="Name">The tool's name (<c>python</c> for a fenced Python block).</param>
/// <param name="Arguments">Its arguments, a JSON object (<c>{"code": "..."}</c> for a fenced Python block).</param>
public sealed record ToolCall(string Name, JsonElement Arguments);
