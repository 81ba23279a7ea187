namespace R1Sharp.Rewards.Sandbox;

/// <summary>How a sandboxed run ended.</summary>
public enum SandboxTermination
{
    /// <summary>The program exited by itself with an exit code.</summary>
    Exited,

    /// <summary>The program was killed by a signal (its own fault, an rlimit such as SIGXCPU, or the kernel).</summary>
    Signaled,

    /// <summary>The host killed the run at the wall-clock limit.</summary>
    WallClockLimit,

    /// <summary>The host killed the run because it wrote more than the output cap.</summary>
    OutputLimit,
}
