using System.Text;
using R1Sharp.Rewards.Sandbox;

namespace R1Sharp.Rewards.Tests.Sandbox;

/// <summary>One real sandbox shared by the tests of the "sandbox" collection (starting one probes it).</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    private BubblewrapSandbox? _sandbox;

    public BubblewrapSandbox Sandbox => _sandbox ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _sandbox = await BubblewrapSandbox.StartAsync(new SandboxOptions { WorkerSlots = 2 });

    public Task DisposeAsync()
    {
        _sandbox?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Runs a Python program (written to the program folder as main.py) with optional stdin.</summary>
    public async Task<SandboxRunResult> RunPythonAsync(string source, string stdin = "", ResourceLimits? limits = null)
    {
        using var program = Sandbox.CreateProgramDirectory();
        await program.WriteFileAsync("main.py", source);
        var request = new SandboxRequest(["/usr/bin/python3", $"{SandboxPaths.Program}/main.py"], limits ?? ResourceLimits.Default)
        {
            Program = program,
            Stdin = Encoding.UTF8.GetBytes(stdin),
        };
        return await Sandbox.RunAsync(request);
    }
}

[CollectionDefinition("sandbox")]
public sealed class SandboxCollection : ICollectionFixture<SandboxFixture>;
