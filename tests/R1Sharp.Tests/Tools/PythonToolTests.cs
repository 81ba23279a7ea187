using System.Text.Json;
using R1Sharp.Rewards.Sandbox;
using R1Sharp.Tools;

namespace R1Sharp.Tests.Tools;

/// <summary>The python tool in the real bubblewrap sandbox (installed by scripts/test.sh): the sandbox's limits hold and every fault is a message.</summary>
public sealed class PythonToolTests : IAsyncLifetime
{
    private BubblewrapSandbox? _sandbox;

    public async Task InitializeAsync() => _sandbox = await BubblewrapSandbox.StartAsync(new SandboxOptions { WorkerSlots = 2 });

    public Task DisposeAsync()
    {
        _sandbox?.Dispose();
        return Task.CompletedTask;
    }

    private ToolRunner Runner(ResourceLimits? limits = null, int maxBytes = 4096) => new([new PythonTool(_sandbox!, limits)], TimeSpan.FromSeconds(60), maxBytes);

    private static ParsedToolCall Code(string code) => new(new ToolCall("python", JsonSerializer.SerializeToElement(new { code })), null);

    [Fact]
    public async Task PythonCodeRunsAndItsOutputComesBack()
    {
        var outcome = await Runner().RunAsync(Code("print(123456789 * 987654321)"), CancellationToken.None);
        Assert.False(outcome.Failed);
        Assert.Equal("121932631112635269\n", outcome.Output);
    }

    [Fact]
    public async Task AnExceptionShowsTheTracebackAndExitCode()
    {
        var outcome = await Runner().RunAsync(Code("print('before')\n1/0"), CancellationToken.None);
        Assert.True(outcome.Failed);
        Assert.StartsWith("before\n", outcome.Output);
        Assert.Contains("ZeroDivisionError", outcome.Output);
        Assert.EndsWith("error: exit code 1", outcome.Output);
    }

    [Fact]
    public async Task AProgramThatHangsIsStoppedAtTheSandboxsWallClock()
    {
        var limits = ResourceLimits.Default with { WallClock = TimeSpan.FromSeconds(1) };
        var outcome = await Runner(limits).RunAsync(Code("import time\ntime.sleep(30)"), CancellationToken.None);
        Assert.True(outcome.Failed);
        Assert.EndsWith("error: the program timed out after 1 s", outcome.Output); // after what the killed run wrote to stderr
    }

    [Fact]
    public async Task MegabytesOfPrintingAreStoppedAndTruncated()
    {
        var limits = ResourceLimits.Default with { MaxStdoutBytes = 1 << 20 };
        var outcome = await Runner(limits, maxBytes: 64).RunAsync(Code("while True:\n    print('x' * 1000)"), CancellationToken.None);
        Assert.True(outcome.Failed);
        Assert.StartsWith(new string('x', 64) + "\n[output truncated: ", outcome.Output);
    }
}
