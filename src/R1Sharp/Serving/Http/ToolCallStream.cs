using System.Text;
using R1Sharp.Tools;

namespace R1Sharp.Serving.Http;

/// <summary>
/// One streamed choice with tools on. Content streams as usual until a <c>&lt;tool_call&gt;</c> tag begins (the last few
/// characters are held while they could be the tag's start); from there nothing more streams, and at the end the
/// calls arrive in one final delta (<see cref="Complete"/>). A reply whose calls do not parse streams its held text as
/// content instead, as the non-streamed reply would show it.
/// </summary>
internal sealed class ToolCallStream
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
        _inCall = open >= 0;
        return Take(text, _inCall ? open : text.Length - ToolCallSplitter.PartialOpenLength(text));
    }

    /// <summary>At the end of the choice: the content still to show, and the calls (empty when the reply holds none).</summary>
    public (string Content, IReadOnlyList<ToolCall> Calls) Complete()
    {
        string text = _text.ToString();
        var split = ToolCallSplitter.Split(text);
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
