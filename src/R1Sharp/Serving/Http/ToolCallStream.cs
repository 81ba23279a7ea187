using System.Text;
using R1Sharp.Tools;

namespace R1Sharp.Serving.Http;

/// <summary>
/// One streamed choice with tools on. Content streams as usual until a <c>&lt;tool_call&gt;</c> tag begins (the last few
/// characters are held while they could be the tag's start); from there nothing more streams, and at the end the
/// calls arrive in one final delta (<see cref="Complete"/>). A reply whose calls do not parse streams its held text as
/// content instead, as the non-streamed reply would show it.
/// </summary>
/// <param name="fencedPython">The client declared a <c>python</c> function: a <c>```</c> fence is held too, as it may open a call (issue 20).</param>
internal sealed class ToolCallStream(bool fencedPython = false)
{
    private readonly StringBuilder _text = new();
    private int _emitted;
    private bool _inCall;

    /// <summary>Takes a content delta; returns what may be shown now.</summary>
    public string Add(string delta)
    {
        _text.Append(delta);
        if (_inCall) return "";
        string text = _text.ToString();
        int open = text.IndexOf(ToolCallParser.CallOpen, StringComparison.Ordinal);
        int partial = ToolCallSplitter.PartialOpenLength(text);
        if (fencedPython)
        {
            int fence = text.IndexOf(ToolCallParser.Fence, StringComparison.Ordinal);
            if (fence >= 0 && (open < 0 || fence < open)) open = fence;
            partial = Math.Max(partial, ToolCallSplitter.PartialLength(text, ToolCallParser.Fence));
        }
        _inCall = open >= 0;
        return Take(text, _inCall ? open : text.Length - partial);
    }

    /// <summary>At the end of the choice: the content still to show, and the calls (empty when the reply holds none).</summary>
    public (string Content, IReadOnlyList<ToolCall> Calls) Complete()
    {
        string text = _text.ToString();
        var split = ToolCallSplitter.Split(text, fencedPython);
        return split.Calls.Count > 0 ? (Take(text, split.ContentEnd), split.Calls) : (Take(text, text.Length), []);
    }

    private string Take(string text, int end)
    {
        if (end <= _emitted) return "";
        string delta = text[_emitted..end];
        _emitted = end;
        return delta;
    }
}
