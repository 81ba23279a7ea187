namespace R1Sharp.Tools;

/// <summary>A tool ran but failed; its message (which may hold the tool's own output) is shown to the model as it is.</summary>
/// <param name="message">The text the model sees.</param>
public sealed class ToolFailedException(string message) : Exception(message);
