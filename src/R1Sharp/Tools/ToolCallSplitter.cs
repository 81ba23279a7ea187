namespace R1Sharp.Tools;

/// <summary>
/// Reads the tool calls of a whole chat reply, as a server returns them to its client (OpenAI's <c>tool_calls</c>):
/// every <c>&lt;tool_call&gt;{"name": ..., "arguments": {...}}&lt;/tool_call&gt;</c> block (Qwen's / Hermes' format, possibly
/// several in one reply), and the text before the first one as the message's content. As vLLM's Hermes parser: a
/// block that does not parse (or is not closed, e.g. cut by max_tokens) makes the whole reply plain content, and text
/// after the first block is not content. Pure; no I/O.
/// </summary>
public static class ToolCallSplitter
{
    /// <summary>Splits <paramref name="reply"/> into content and calls.</summary>
    public static ToolCallSplit Split(string reply) => Split(reply, fencedPython: false);

    /// <summary>
    /// Splits <paramref name="reply"/> into content and calls; with <paramref name="fencedPython"/> (the client declared a
    /// <c>python</c> function, issue 20) a reply without <c>&lt;tool_call&gt;</c> blocks may call it with closed
    /// <c>```python</c> fences instead, the other format <see cref="ToolCallParser"/> reads: each becomes a call of
    /// <c>python</c> with <c>{"code": ...}</c>, and the text before the first is the content.
    /// </summary>
    public static ToolCallSplit Split(string reply, bool fencedPython)
    {
        ArgumentNullException.ThrowIfNull(reply);
        int first = reply.IndexOf(ToolCallParser.CallOpen, StringComparison.Ordinal);
        if (first < 0) return fencedPython ? SplitFences(reply) : new ToolCallSplit(reply, [], reply.Length);
        var calls = new List<ToolCall>();
        for (int open = first; open >= 0; open = reply.IndexOf(ToolCallParser.CallOpen, open, StringComparison.Ordinal))
        {
            int bodyStart = open + ToolCallParser.CallOpen.Length;
            int close = reply.IndexOf(ToolCallParser.CallClose, bodyStart, StringComparison.Ordinal);
            if (close < 0 || ToolCallParser.ParseCallBody(reply[bodyStart..close]).Call is not { } call)
                return new ToolCallSplit(reply, [], reply.Length);
            calls.Add(call);
            open = close + ToolCallParser.CallClose.Length;
        }
        string content = reply[..first].Trim();
        return new ToolCallSplit(content.Length == 0 ? null : content, calls, first);
    }

    /// <summary>Every closed Python fence of the reply, in order, as calls; the text before the first is the content.</summary>
    private static ToolCallSplit SplitFences(string reply)
    {
        var calls = new List<ToolCall>();
        int contentEnd = -1;
        for (int fence = reply.IndexOf(ToolCallParser.Fence, StringComparison.Ordinal); fence >= 0;
             fence = reply.IndexOf(ToolCallParser.Fence, fence + ToolCallParser.Fence.Length, StringComparison.Ordinal))
        {
            // A fence that closes a Python block (the parser GRPO's loop pauses on); the block opens at the fence before it.
            if (ToolCallParser.ParseTrailing(reply[..(fence + ToolCallParser.Fence.Length)])?.Call is not { } call) continue;
            if (contentEnd < 0) contentEnd = reply.LastIndexOf(ToolCallParser.Fence, fence - 1, StringComparison.Ordinal);
            calls.Add(call);
        }
        if (calls.Count == 0) return new ToolCallSplit(reply, [], reply.Length);
        string content = reply[..contentEnd].Trim();
        return new ToolCallSplit(content.Length == 0 ? null : content, calls, contentEnd);
    }

    /// <summary>
    /// How many characters at the end of <paramref name="text"/> could be the start of a <c>&lt;tool_call&gt;</c> tag still
    /// being written (a streamed reply holds them back until it knows).
    /// </summary>
    public static int PartialOpenLength(string text) => PartialLength(text, ToolCallParser.CallOpen);

    /// <summary>How many characters at the end of <paramref name="text"/> could be the start of <paramref name="tag"/> still being written.</summary>
    public static int PartialLength(string text, string tag)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(tag);
        for (int length = Math.Min(tag.Length - 1, text.Length); length > 0; length--)
            if (text.AsSpan(text.Length - length).SequenceEqual(tag.AsSpan(0, length))) return length;
        return 0;
    }
}
