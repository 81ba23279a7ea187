namespace R1Sharp.Rewards.Sandbox.Judging;

/// <summary>
/// Turns how a run ended into a verdict, before any output is compared: null means "exited normally, compare
/// the output". Memory exhaustion under RLIMIT_AS is recognised from the runtime's own message, since the
/// kernel reports it as a failed allocation, not as a signal (Python MemoryError, C++ std::bad_alloc, .NET "Out of memory.").
/// </summary>
public static class RunClassifier
{
    private static readonly string[] OutOfMemoryMarkers = ["MemoryError", "std::bad_alloc", "Cannot allocate memory", "OutOfMemoryException", "Out of memory."];

    /// <summary>The verdict a run gets from its termination alone, with a detail; null when it exited with code 0.</summary>
    public static (Verdict Verdict, string Detail)? Classify(SandboxRunResult run, ResourceLimits limits)
    {
        switch (run.Termination)
        {
            case SandboxTermination.WallClockLimit:
                return (Verdict.TimeLimit, $"wall clock over {limits.WallClock.TotalSeconds:0.###} s");
            case SandboxTermination.OutputLimit:
                return (Verdict.OutputLimit, $"output over {limits.MaxStdoutBytes} bytes");
            case SandboxTermination.Signaled when run.Signal == SandboxRunResult.SigXcpu:
                return (Verdict.TimeLimit, $"CPU time over {limits.CpuTime.TotalSeconds:0.###} s (SIGXCPU)");
            case SandboxTermination.Signaled when run.Signal == LinuxNative.SigKill && run.WallTime >= limits.CpuTime:
                // The hard CPU limit (soft + 1 s) ends a program that ignored SIGXCPU with SIGKILL.
                return (Verdict.TimeLimit, $"CPU time over {limits.CpuTime.TotalSeconds:0.###} s (SIGKILL at the hard limit)");
            case SandboxTermination.Signaled:
                if (IsOutOfMemory(run.Stderr))
                    return (Verdict.MemoryLimit, $"out of memory ({run.SignalName})");
                return (Verdict.RuntimeError, $"killed by {run.SignalName}{StderrTail(run.Stderr)}");
            case SandboxTermination.Exited when run.ExitCode != 0:
                if (IsOutOfMemory(run.Stderr))
                    return (Verdict.MemoryLimit, $"out of memory under {limits.AddressSpaceBytes} bytes of address space");
                return (Verdict.RuntimeError, $"exit code {run.ExitCode}{StderrTail(run.Stderr)}");
            default:
                return null;
        }
    }

    /// <summary>True when stderr carries a runtime's out-of-memory message.</summary>
    public static bool IsOutOfMemory(string stderr) => OutOfMemoryMarkers.Any(m => stderr.Contains(m, StringComparison.Ordinal));

    /// <summary>The last line of stderr (where Python puts the exception), prefixed for a detail message.</summary>
    public static string StderrTail(string stderr)
    {
        string trimmed = stderr.TrimEnd();
        if (trimmed.Length == 0)
            return "";
        int lastLine = trimmed.LastIndexOf('\n');
        string tail = lastLine >= 0 ? trimmed[(lastLine + 1)..] : trimmed;
        return ": " + (tail.Length <= 200 ? tail : tail[..197] + "...");
    }
}
