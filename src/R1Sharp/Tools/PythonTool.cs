using System.Text;
using System.Text.Json;
using R1Sharp.Rewards.Sandbox;

namespace R1Sharp.Tools;

/// <summary>
/// Runs the model's Python code (<c>{"code": "..."}</c>) in the bubblewrap sandbox, with the sandbox's limits
/// (CPU, wall clock, memory, processes, output bytes). Returns stdout, then stderr; a non-zero exit, a signal or a
/// limit is reported in the text, as the model should see it.
/// </summary>
/// <param name="sandbox">The sandbox (the caller owns it).</param>
/// <param name="limits">Per-call limits (default <see cref="ResourceLimits.Default"/>).</param>
public sealed class PythonTool(ICodeSandbox sandbox, ResourceLimits? limits = null) : ITool
{
    private readonly ResourceLimits _limits = limits ?? ResourceLimits.Default;

    /// <inheritdoc />
    public string Name => ToolCallParser.PythonToolName;

    /// <inheritdoc />
    public string Description =>
        """{"name": "python", "description": "Runs a Python 3 program and returns what it prints.", "parameters": {"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"]}}""";

    /// <inheritdoc />
    public async Task<string> InvokeAsync(JsonElement arguments, CancellationToken cancellationToken)
    {
        if (arguments.ValueKind != JsonValueKind.Object || !arguments.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.String)
            throw new ArgumentException("the python tool takes {\"code\": \"...\"}");
        using var program = sandbox.CreateProgramDirectory();
        await program.WriteFileAsync("main.py", code.GetString()!, cancellationToken).ConfigureAwait(false);
        var request = new SandboxRequest(["/usr/bin/python3", "-I", $"{SandboxPaths.Program}/main.py"], _limits) { Program = program };
        var result = await sandbox.RunAsync(request, cancellationToken).ConfigureAwait(false);
        var text = new StringBuilder(Encoding.UTF8.GetString(result.Stdout));
        if (result.Stderr.Length > 0) text.Append(text.Length > 0 && text[^1] != '\n' ? "\n" : "").Append(result.Stderr);
        string? verdict = result.Termination switch
        {
            SandboxTermination.WallClockLimit => $"error: the program timed out after {_limits.WallClock.TotalSeconds:0.#} s",
            SandboxTermination.OutputLimit => $"error: the program printed more than {_limits.MaxStdoutBytes} bytes",
            SandboxTermination.Signaled => $"error: the program was killed by {result.SignalName ?? "signal " + result.Signal}",
            _ when result.ExitCode is int exit && exit != 0 => $"error: exit code {exit}",
            _ => null,
        };
        if (verdict is null) return text.ToString();
        if (text.Length > 0 && text[^1] != '\n') text.Append('\n');
        throw new ToolFailedException(text.Append(verdict).ToString());
    }
}
