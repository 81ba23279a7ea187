using R1Sharp.Tools;

namespace R1Sharp.Serving.Http;

/// <summary>
/// A chat reply with tools on, in OpenAI's shape: the <c>&lt;tool_call&gt;</c> blocks of the reply become <c>tool_calls</c>
/// (id, type <c>function</c>, <c>function.name</c>, <c>function.arguments</c> as a JSON string), the text before them the
/// content (null when there is none), and finish_reason <c>tool_calls</c> (<see cref="ToolCallSplitter"/>).
/// </summary>
internal static class ToolCallReply
{
    public const string FinishReason = "tool_calls";

    /// <summary>The assistant message of a finished choice and its finish_reason.</summary>
    public static (object Message, string Finish) Message(string text, string finish, bool toolCalls)
    {
        if (toolCalls && ToolCallSplitter.Split(text) is { Calls.Count: > 0 } split)
            return (new { role = "assistant", content = split.Content, tool_calls = Calls(split.Calls, streamed: false) }, FinishReason);
        return (new { role = "assistant", content = text }, finish);
    }

    /// <summary>The wire objects of <paramref name="calls"/>; a streamed delta also numbers them (<c>index</c>).</summary>
    public static object[] Calls(IReadOnlyList<ToolCall> calls, bool streamed) =>
        calls.Select((c, i) =>
        {
            string id = "call_" + Guid.NewGuid().ToString("N")[..24];
            var function = new { name = c.Name, arguments = c.Arguments.GetRawText() };
            return streamed ? (object)new { index = i, id, type = "function", function } : new { id, type = "function", function };
        }).ToArray();
}
