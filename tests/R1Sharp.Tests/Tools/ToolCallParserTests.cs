using R1Sharp.Tools;

namespace R1Sharp.Tests.Tools;

public sealed class ToolCallParserTests
{
    [Fact]
    public void AJsonToolCallAtTheEndIsReadWithItsArguments()
    {
        var parsed = ToolCallParser.ParseTrailing("Let me add. <tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 2, \"b\": 3}}\n</tool_call>\n");
        Assert.NotNull(parsed?.Call);
        Assert.Equal("add", parsed.Call.Name);
        Assert.Equal(3, parsed.Call.Arguments.GetProperty("b").GetInt32());
    }

    [Fact]
    public void ArgumentsWrittenAsAJsonStringAreUnwrapped()
    {
        var parsed = ToolCallParser.ParseTrailing("<tool_call>{\"name\": \"add\", \"arguments\": \"{\\\"a\\\": 1}\"}</tool_call>");
        Assert.Equal(1, parsed!.Call!.Arguments.GetProperty("a").GetInt32());
    }

    [Fact]
    public void MalformedJsonIsAnErrorTheModelSees()
    {
        var parsed = ToolCallParser.ParseTrailing("<tool_call>{\"name\": \"add\", \"arguments\": {</tool_call>");
        Assert.NotNull(parsed);
        Assert.Null(parsed.Call);
        Assert.StartsWith("error: the tool call is not valid JSON", parsed.Error);
    }

    [Fact]
    public void AJsonCallWithoutANameIsAnError()
    {
        var parsed = ToolCallParser.ParseTrailing("<tool_call>{\"arguments\": {}}</tool_call>");
        Assert.Null(parsed!.Call);
        Assert.Contains("\"name\"", parsed.Error);
    }

    [Fact]
    public void AClosedPythonFenceIsACallOfThePythonTool()
    {
        var parsed = ToolCallParser.ParseTrailing("I will compute it.\n```python\nprint(12345 * 6789)\n```\n");
        Assert.Equal("python", parsed!.Call!.Name);
        Assert.Equal("print(12345 * 6789)\n", parsed.Call.Arguments.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("```python\nprint(1)\n")] // unclosed fence: the model is still writing
    [InlineData("```python")] // the opening fence itself
    [InlineData("```text\nhello\n```")] // a fence of another language is not a call
    [InlineData("The answer is 5.")]
    [InlineData("</tool_call>")] // a closing tag with no opening one
    [InlineData("```python\nprint(1)\n```\nso the answer is 1")] // a call that was already answered earlier
    public void TextThatDoesNotEndInAClosedCallIsNoCall(string text) => Assert.Null(ToolCallParser.ParseTrailing(text));

    [Fact]
    public void OnlyTheLastFenceIsConsidered()
    {
        var parsed = ToolCallParser.ParseTrailing("```python\nprint(1)\n```\n```output\n1\n```\nNow:\n```py\nprint(2)\n```");
        Assert.Equal("print(2)\n", parsed!.Call!.Arguments.GetProperty("code").GetString());
    }
}
