using System.Text.Json;

namespace R1Sharp.Tools;

/// <summary>A .NET function registered as a tool.</summary>
/// <param name="name">The name the model calls it by.</param>
/// <param name="description">Its JSON-schema-like description.</param>
/// <param name="invoke">The function: arguments in, text out.</param>
public sealed class FunctionTool(string name, string description, Func<JsonElement, CancellationToken, Task<string>> invoke) : ITool
{
    /// <inheritdoc />
    public string Name { get; } = string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("a tool needs a name", nameof(name)) : name;

    /// <inheritdoc />
    public string Description { get; } = description ?? "";

    /// <inheritdoc />
    public Task<string> InvokeAsync(JsonElement arguments, CancellationToken cancellationToken) => invoke(arguments, cancellationToken);
}
