using R1Sharp.Training.Configuration;

namespace R1Sharp.Training.Rollouts;

/// <summary>
/// Which tools a multi-turn loop may call and their limits, under GRPO's option names: what <c>r1 grpo</c> reads from its
/// config and <c>r1 eval --tools</c> from its flags, so a tool-using model is evaluated under the settings it was trained with.
/// </summary>
/// <param name="Names"><c>tools</c>: the built-in tools by name (<c>python</c>).</param>
/// <param name="MaxToolCallingIterations"><c>max_tool_calling_iterations</c>: most calls per completion (default 5).</param>
/// <param name="Timeout"><c>tool_timeout</c>: wall-clock seconds of one call (default 10).</param>
/// <param name="OutputMaxBytes"><c>tool_output_max_bytes</c>: most UTF-8 bytes of one output the model sees (default 2048).</param>
public sealed record ToolSettings(IReadOnlyList<string> Names, int MaxToolCallingIterations = 5, double Timeout = 10, int OutputMaxBytes = 2048)
{
    /// <summary>The tool settings of a GRPO configuration.</summary>
    public static ToolSettings Of(GrpoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ToolSettings(options.Tools, options.MaxToolCallingIterations, options.ToolTimeout, options.ToolOutputMaxBytes);
    }

    /// <summary>Problems with the settings, each naming the option; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (string name in Names)
            if (!GrpoFamilyOptionsValidator.KnownTools.Contains(name))
                problems.Add($"tools: unknown tool '{name}' (known: {string.Join(", ", GrpoFamilyOptionsValidator.KnownTools)})");
        if (Names.Distinct(StringComparer.Ordinal).Count() != Names.Count) problems.Add($"tools: '{string.Join(", ", Names)}' lists a tool twice");
        if (MaxToolCallingIterations < 1) problems.Add("max_tool_calling_iterations must be at least 1");
        if (!(Timeout > 0 && double.IsFinite(Timeout))) problems.Add("tool_timeout must be a finite number of seconds > 0");
        if (OutputMaxBytes < 1) problems.Add("tool_output_max_bytes must be at least 1");
        return problems;
    }

    /// <summary>One line for logs and run.json: <c>python (max 5 calls, 10 s, 2048 bytes)</c>.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"{string.Join(", ", Names)} (max {MaxToolCallingIterations} calls, {Timeout} s, {OutputMaxBytes} bytes)");
}
