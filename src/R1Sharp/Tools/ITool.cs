using System.Text.Json;

namespace R1Sharp.Tools;

/// <summary>A tool the policy may call during a rollout: Python in the sandbox (<see cref="PythonTool"/>) or a registered .NET function (<see cref="FunctionTool"/>).</summary>
public interface ITool
{
    /// <summary>The name the model calls it by.</summary>
    string Name { get; }

    /// <summary>What it does and its parameters, as a JSON-schema-like object (OpenAI's function format), for prompts and <c>tools</c> lists.</summary>
    string Description { get; }

    /// <summary>Runs the tool; the returned text is what the model sees. Throwing is allowed: <see cref="ToolRunner"/> turns it into an error message.</summary>
    Task<string> InvokeAsync(JsonElement arguments, CancellationToken cancellationToken);
}
