using R1Sharp.Rewards.Sandbox;
using R1Sharp.Tasks;
using R1Sharp.Tools;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Training.Zero.Tools;

/// <summary>The tool of a <c>r1 zero --tools</c> run, ready for rollouts; owns the sandbox when the tool is Python.</summary>
public sealed class ZeroToolBox : IDisposable
{
    private readonly BubblewrapSandbox? _sandbox;

    private ZeroToolBox(ToolCallingRollouts rollouts, BubblewrapSandbox? sandbox)
    {
        Rollouts = rollouts;
        _sandbox = sandbox;
    }

    /// <summary>The multi-turn loop with the tool registered.</summary>
    public ToolCallingRollouts Rollouts { get; }

    /// <summary>Registers the calculator, or starts the sandbox for Python.</summary>
    /// <exception cref="SandboxUnavailableException">Python was asked for and bubblewrap cannot run here.</exception>
    public static async Task<ZeroToolBox> CreateAsync(ZeroToolOptions options, TaskTokenizer tokenizer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        BubblewrapSandbox? sandbox = null;
        ITool tool;
        if (options.Tool == ZeroToolKind.Python)
        {
            sandbox = await BubblewrapSandbox.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            tool = new PythonTool(sandbox, ResourceLimits.Default with { WallClock = TimeSpan.FromSeconds(10) });
        }
        else
        {
            tool = ZeroToolCalls.CreateCalculator();
        }
        var runner = new ToolRunner([tool], TimeSpan.FromSeconds(15), maxOutputBytes: 256);
        return new ZeroToolBox(new ToolCallingRollouts(tokenizer, new ToolRolloutOptions(runner, options.MaxToolCallingIterations, ToolMessageFormat.Plain)), sandbox);
    }

    /// <inheritdoc />
    public void Dispose() => _sandbox?.Dispose();
}
