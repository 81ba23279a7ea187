namespace R1Sharp.Cli.Errors;

/// <summary>
/// The exit codes every `r1` command uses (documented in README.md, "Exit codes"). A script can tell "fix your input"
/// (2) from "R1Sharp failed" (1) without parsing messages.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>An unexpected failure: a defect in R1Sharp or its runtime (please report it with the message).</summary>
    public const int Failure = 1;

    /// <summary>
    /// The input needs fixing: a flag, setting, data or model file, an output path, a refused resume, or a run folder in use.
    /// System.CommandLine's own parse errors (unknown flag, missing required option) use this code too.
    /// </summary>
    public const int Usage = 2;

    /// <summary>The run was cancelled (Ctrl+C); whatever was checkpointed stays valid.</summary>
    public const int Cancelled = 130;
}
