using R1Sharp.Serving.Http;
using R1Sharp.Tools;

namespace R1Sharp.Tests.Tools;

/// <summary>Splitting a chat reply into content and tool calls (r1 serve's <c>tool_calls</c>), whole and streamed.</summary>
public sealed class ToolCallSplitterTests
{
    private const string Add = "<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 1}}\n</tool_call>";
    private const string Mul = "<tool_call>{\"name\": \"mul\", \"arguments\": \"{\\\"b\\\": 2}\"}</tool_call>";

    [Fact]
    public void ContentBeforeTheFirstCallAndEveryCallInOrder()
    {
        var split = ToolCallSplitter.Split("  Let me add.\n" + Add + "\n" + Mul + "\n");
        Assert.Equal("Let me add.", split.Content);
        Assert.Equal(["add", "mul"], split.Calls.Select(c => c.Name));
        Assert.Equal(1, split.Calls[0].Arguments.GetProperty("a").GetInt32());
        Assert.Equal(2, split.Calls[1].Arguments.GetProperty("b").GetInt32()); // arguments as a JSON string are read as the object
        Assert.Equal("  Let me add.\n".Length, split.ContentEnd);
        Assert.Null(ToolCallSplitter.Split(Add).Content);
    }

    [Theory]
    [InlineData("no call at all")]
    [InlineData("x <tool_call>{\"name\": \"add\", \"arguments\": {</tool_call>")] // malformed JSON
    [InlineData("x <tool_call>{\"arguments\": {}}</tool_call>")] // no name
    [InlineData("x " + Add + " <tool_call>{\"name\": \"add\"")] // the second call was cut by max_tokens
    public void AReplyWithoutAReadableCallIsAllContent(string reply)
    {
        var split = ToolCallSplitter.Split(reply);
        Assert.Equal(reply, split.Content);
        Assert.Empty(split.Calls);
    }

    [Fact]
    public void APartialOpeningTagIsRecognised()
    {
        Assert.Equal(5, ToolCallSplitter.PartialOpenLength("text <tool"));
        Assert.Equal(1, ToolCallSplitter.PartialOpenLength("a <"));
        Assert.Equal(0, ToolCallSplitter.PartialOpenLength("a <b"));
        Assert.Equal(0, ToolCallSplitter.PartialOpenLength(""));
    }

    [Fact]
    public void AStreamShowsContentUntilTheCallAndHoldsWhatCouldStartIt()
    {
        var stream = new ToolCallStream();
        Assert.Equal("Let me", stream.Add("Let me"));
        Assert.Equal(" add.", stream.Add(" add.<tool")); // "<tool" could be a call: held
        Assert.Equal("", stream.Add("_call>\n{\"name\": \"add\", "));
        Assert.Equal("", stream.Add("\"arguments\": {\"a\": 1}}\n</tool_call>"));
        var (rest, calls) = stream.Complete();
        Assert.Equal("", rest);
        Assert.Equal("add", Assert.Single(calls).Name);
    }

    [Fact]
    public void AStreamWhoseCallDoesNotParseShowsTheHeldTextAtTheEnd()
    {
        var stream = new ToolCallStream();
        Assert.Equal("a ", stream.Add("a <"));
        Assert.Equal("<b ", stream.Add("b ")); // not a tag after all: released
        Assert.Equal("", stream.Add("<tool_call>{oops</tool_call>"));
        var (rest, calls) = stream.Complete();
        Assert.Equal("<tool_call>{oops</tool_call>", rest);
        Assert.Empty(calls);
    }

    // issue 20: fenced Python calls when the client declared a python function
    private const string Fenced = "Let me compute.\n```python\nprint(347*58)\n```\nand\n```py\nprint(1)\n```\ntrailing";

    [Fact]
    public void ClosedPythonFencesAreCallsOfPythonWhenAsked()
    {
        var split = ToolCallSplitter.Split(Fenced, fencedPython: true);
        Assert.Equal("Let me compute.", split.Content);
        Assert.Equal(["python", "python"], split.Calls.Select(c => c.Name));
        Assert.Equal("print(347*58)\n", split.Calls[0].Arguments.GetProperty("code").GetString()); // the code as GRPO's loop passes it
        Assert.Equal("print(1)\n", split.Calls[1].Arguments.GetProperty("code").GetString());
        Assert.Equal("Let me compute.\n".Length, split.ContentEnd);

        Assert.Empty(ToolCallSplitter.Split(Fenced).Calls); // not asked (no python function declared): plain content
    }

    [Theory]
    [InlineData("Code:\n```js\nlet x = 1\n```\n")] // another language
    [InlineData("Code:\n```python\nprint(1)\n")] // not closed (cut by max_tokens)
    [InlineData("no fence")]
    public void AReplyWithoutAClosedPythonFenceIsAllContent(string reply)
    {
        var split = ToolCallSplitter.Split(reply, fencedPython: true);
        Assert.Equal(reply, split.Content);
        Assert.Empty(split.Calls);
    }

    [Fact]
    public void AJsonCallWinsOverFencesAndAStreamHoldsFromTheFence()
    {
        Assert.Equal("add", Assert.Single(ToolCallSplitter.Split("```python\nx\n```\n" + Add, fencedPython: true).Calls).Name);

        var stream = new ToolCallStream(fencedPython: true);
        Assert.Equal("Let me compute.\n", stream.Add("Let me compute.\n`"));
        Assert.Equal("", stream.Add("``python\nprint(347*58)\n```\n"));
        var (rest, calls) = stream.Complete();
        Assert.Equal("", rest);
        Assert.Equal("python", Assert.Single(calls).Name);

        var plain = new ToolCallStream(fencedPython: true);
        Assert.Equal("See ", plain.Add("See ```js\nx\n```"));
        Assert.Equal("```js\nx\n```", plain.Complete().Content); // no call: the held fence is shown at the end
    }
}
