namespace R1Sharp.Cli.Errors;

/// <summary>A command's arguments do not fit together (exit code <see cref="ExitCodes.Usage"/>); the message names the flags.</summary>
internal sealed class UsageException(string message) : Exception(message);
