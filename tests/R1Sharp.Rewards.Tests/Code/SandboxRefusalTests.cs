using System.Text.Json;
using R1Sharp.Rewards.Code;
using R1Sharp.Rewards.Sandbox;

namespace R1Sharp.Rewards.Tests.Code;

public sealed class SandboxRefusalTests
{
    private static readonly SandboxOptions Missing = new() { BubblewrapPath = "/nonexistent/bwrap", WorkerSlots = 1 };

    [Fact]
    public async Task The_sandbox_refuses_to_start_without_bubblewrap_and_says_why()
    {
        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => BubblewrapSandbox.StartAsync(Missing));
        Assert.Contains("bubblewrap not found at '/nonexistent/bwrap'", error.Message);
        Assert.Contains("code will not be run", error.Message);
    }

    [Fact]
    public async Task The_reward_refuses_to_run_code_every_time_rather_than_run_it_bare()
    {
        string marker = Path.Combine(Path.GetTempPath(), $"r1sharp-refusal-{Guid.NewGuid():N}");
        using var reward = new CodeExecutionReward(sandboxOptions: Missing);
        var row = new Dictionary<string, JsonElement>
        {
            ["verification_info"] = JsonDocument.Parse("""{"test_cases":[{"input":"","output":"1"}]}""").RootElement.Clone(),
        };
        string completion = $"```python\nopen({JsonSerializer.Serialize(marker)}, 'w').write('ran')\nprint(1)\n```";
        for (int attempt = 0; attempt < 2; attempt++)
        {
            var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => reward.ScoreAsync(new RewardInput("p", completion, row)).AsTask());
            Assert.Contains("bubblewrap not found", error.Message);
        }
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_probe_that_fails_inside_the_chain_refuses_too()
    {
        // A "bubblewrap" that exists but cannot sandbox: the probe's echo never reaches stdout.
        var options = Missing with { BubblewrapPath = "/usr/bin/false" };
        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => BubblewrapSandbox.StartAsync(options));
        Assert.Contains("sandbox probe", error.Message);
    }
}
