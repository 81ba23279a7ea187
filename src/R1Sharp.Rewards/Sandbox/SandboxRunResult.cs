namespace R1Sharp.Rewards.Sandbox;

/// <summary>What one sandboxed run did.</summary>
/// <param name="Termination">How it ended.</param>
/// <param name="ExitCode">The exit code when <see cref="SandboxTermination.Exited"/>, else null.</param>
/// <param name="Signal">The signal number when <see cref="SandboxTermination.Signaled"/>, else null.</param>
/// <param name="Stdout">Its stdout, at most the limit's cap.</param>
/// <param name="Stderr">The start of its stderr (UTF-8, invalid bytes replaced).</param>
/// <param name="WallTime">Wall-clock time from start to the end of the whole process tree.</param>
/// <param name="SlotUid">The uid it ran as.</param>
public sealed record SandboxRunResult(
    SandboxTermination Termination,
    int? ExitCode,
    int? Signal,
    byte[] Stdout,
    string Stderr,
    TimeSpan WallTime,
    int SlotUid)
{
    /// <summary>Signal raised by the CPU-time rlimit.</summary>
    public const int SigXcpu = 24;

    /// <summary>True when the program exited with code 0.</summary>
    public bool Succeeded => Termination == SandboxTermination.Exited && ExitCode == 0;

    /// <summary>The signal's conventional name (SIGSEGV, ...), or null.</summary>
    public string? SignalName => Signal is int s ? SignalNames.Of(s) : null;
}
