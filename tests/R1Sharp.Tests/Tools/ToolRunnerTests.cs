using System.Text;
using System.Text.Json;
using R1Sharp.Tools;

namespace R1Sharp.Tests.Tools;

public sealed class ToolRunnerTests
{
    private static ParsedToolCall Call(string name) => new(new ToolCall(name, JsonSerializer.SerializeToElement(new { })), null);

    private static ToolRunner Runner(ITool tool, int maxBytes = 4096, double timeoutSeconds = 30) =>
        new([tool], TimeSpan.FromSeconds(timeoutSeconds), maxBytes);

    [Fact]
    public async Task AToolsOutputComesBackAsItIs()
    {
        var outcome = await Runner(new FunctionTool("echo", "{}", (_, _) => Task.FromResult("hello"))).RunAsync(Call("echo"), CancellationToken.None);
        Assert.Equal("hello", outcome.Output);
        Assert.False(outcome.Failed);
    }

    [Fact]
    public async Task AToolThatThrowsBecomesAnErrorMessage()
    {
        var outcome = await Runner(new FunctionTool("bad", "{}", (_, _) => throw new InvalidOperationException("boom"))).RunAsync(Call("bad"), CancellationToken.None);
        Assert.True(outcome.Failed);
        Assert.Equal("error: InvalidOperationException: boom", outcome.Output);
    }

    [Fact]
    public async Task AToolThatHangsIsReportedAsTimedOut()
    {
        // The tool ignores its token entirely: the runner still gives the rollout back at the timeout.
        var never = new TaskCompletionSource<string>();
        var outcome = await Runner(new FunctionTool("hang", "{}", (_, _) => never.Task), timeoutSeconds: 0.2).RunAsync(Call("hang"), CancellationToken.None);
        Assert.True(outcome.Failed);
        Assert.Equal("error: tool 'hang' timed out after 0.2 s", outcome.Output);
    }

    [Fact]
    public async Task MegabytesOfOutputAreCutToTheByteLimitWithANote()
    {
        string big = new('x', 3_000_000);
        var outcome = await Runner(new FunctionTool("loud", "{}", (_, _) => Task.FromResult(big)), maxBytes: 100).RunAsync(Call("loud"), CancellationToken.None);
        Assert.Equal(new string('x', 100) + "\n[output truncated: 3000000 bytes, 100 shown]", outcome.Output);
    }

    [Fact]
    public void TruncationNeverSplitsACharacter()
    {
        string text = "ab€€"; // € is 3 bytes: 2 + 3 + 3
        Assert.StartsWith("ab€\n[output truncated: 8 bytes, 6 shown]", ToolRunner.Truncate(text, 6));
        Assert.StartsWith("ab\n", ToolRunner.Truncate(text, 4));
        Assert.Equal(text, ToolRunner.Truncate(text, Encoding.UTF8.GetByteCount(text)));
    }

    [Fact]
    public async Task AnUnknownToolOrAnUnreadableCallIsAFailureNamingTheTools()
    {
        var runner = Runner(new FunctionTool("echo", "{}", (_, _) => Task.FromResult("")));
        var unknown = await runner.RunAsync(Call("search"), CancellationToken.None);
        Assert.Equal("error: there is no tool named 'search' (tools: echo)", unknown.Output);
        var unreadable = await runner.RunAsync(new ParsedToolCall(null, "error: the tool call is not valid JSON"), CancellationToken.None);
        Assert.True(unreadable.Failed);
        Assert.Equal("error: the tool call is not valid JSON", unreadable.Output);
    }

    [Fact]
    public void TwoToolsWithOneNameAreRefused()
    {
        var tool = new FunctionTool("echo", "{}", (_, _) => Task.FromResult(""));
        Assert.Throws<ArgumentException>(() => new ToolRunner([tool, tool]));
    }
}
