using R1Sharp.Rewards.Sandbox;
using R1Sharp.Text;
using R1Sharp.Tools;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Zero.Tools;

namespace R1Sharp.Training.Rollouts;

/// <summary>The tools named in a GRPO configuration (<c>tools</c>), ready for <see cref="InProcessRolloutEngine"/>; owns the sandbox the python tool runs in.</summary>
public sealed class ConfiguredTools : IDisposable
{
    private readonly BubblewrapSandbox? _sandbox;

    private ConfiguredTools(ToolCallingRollouts? rollouts, BubblewrapSandbox? sandbox)
    {
        Rollouts = rollouts;
        _sandbox = sandbox;
    }

    /// <summary>The multi-turn loop, or null when the configuration names no tool.</summary>
    public ToolCallingRollouts? Rollouts { get; }

    /// <summary>Builds the tools of <paramref name="options"/>, starting the sandbox when <c>python</c> is among them.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="tokenizer">The policy's tokenizer.</param>
    /// <param name="format">How tool messages are rendered (<see cref="ToolMessageFormat.ChatMl"/> for chat-templated prompts).</param>
    /// <param name="extraTools">.NET functions registered in code, added to the configured ones.</param>
    /// <param name="cancellationToken">Stops the sandbox's start.</param>
    /// <exception cref="SandboxUnavailableException">python is configured and bubblewrap cannot run here.</exception>
    public static Task<ConfiguredTools> CreateAsync(GrpoOptions options, ITextTokenizer tokenizer, ToolMessageFormat format,
        IReadOnlyList<ITool>? extraTools = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CreateAsync(ToolSettings.Of(options), tokenizer, format, extraTools, cancellationToken);
    }

    /// <summary>Builds the tools of <paramref name="settings"/> (GRPO's or <c>r1 eval</c>'s), starting the sandbox when <c>python</c> is among them.</summary>
    /// <param name="settings">Tool names and limits.</param>
    /// <param name="tokenizer">The policy's tokenizer.</param>
    /// <param name="format">How tool messages are rendered (<see cref="ToolMessageFormat.ChatMl"/> for chat-templated prompts).</param>
    /// <param name="extraTools">.NET functions registered in code, added to the configured ones.</param>
    /// <param name="cancellationToken">Stops the sandbox's start.</param>
    /// <exception cref="SandboxUnavailableException">python is configured and bubblewrap cannot run here.</exception>
    public static async Task<ConfiguredTools> CreateAsync(ToolSettings settings, ITextTokenizer tokenizer, ToolMessageFormat format,
        IReadOnlyList<ITool>? extraTools = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var tools = new List<ITool>(extraTools ?? []);
        if (settings.Names.Count == 0 && tools.Count == 0) return new ConfiguredTools(null, null);
        BubblewrapSandbox? sandbox = null;
        if (settings.Names.Contains(ToolCallParser.PythonToolName))
        {
            sandbox = await BubblewrapSandbox.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            tools.Add(new PythonTool(sandbox, ResourceLimits.Default with { WallClock = TimeSpan.FromSeconds(settings.Timeout) }));
        }
        if (settings.Names.Contains(ZeroToolCalls.CalculatorName)) tools.Add(ZeroToolCalls.CreateCalculator());
        // The runner's timeout is a backstop a little past the sandbox's own wall clock, which reports the timeout itself.
        var runner = new ToolRunner(tools, TimeSpan.FromSeconds(settings.Timeout + 5), settings.OutputMaxBytes);
        return new ConfiguredTools(new ToolCallingRollouts(tokenizer, new ToolRolloutOptions(runner, settings.MaxToolCallingIterations, format)), sandbox);
    }

    /// <inheritdoc />
    public void Dispose() => _sandbox?.Dispose();
}
