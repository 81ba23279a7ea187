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
    /// <param name="text">The reply.</param>
    /// <param name="finish">Its finish reason without calls.</param>
    /// <param name="toolCalls">Tools are on.</param>
    /// <param name="fencedPython">A <c>python</c> function is declared: closed <c>```python</c> fences are its calls too (issue 20).</param>
    public static (object Message, string Finish) Message(string text, string finish, bool toolCalls, bool fencedPython = false)
    {
        if (toolCalls && ToolCallSplitter.Split(text, fencedPython) is { Calls.Count: > 0 } split)
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
