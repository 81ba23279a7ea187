using System.Text.Json;

namespace R1Sharp.Serving.Protocol;

/// <summary>A validated /v1/chat/completions request.</summary>
/// <param name="Model">The model asked for, or null.</param>
/// <param name="Messages">The conversation (tool calls and tool answers included).</param>
/// <param name="Parameters">Sampling and response settings (<see cref="CompletionParameters.ToolCalls"/> set when tools are on).</param>
/// <param name="Tools">OpenAI's <c>tools</c> array for the chat template, or null when the request gives none (or <c>tool_choice</c> is <c>none</c>).</param>
public sealed record ChatRequest(string? Model, IReadOnlyList<ChatTurn> Messages, CompletionParameters Parameters, JsonElement? Tools);
