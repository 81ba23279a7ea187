namespace R1Sharp.Rewards.Sandbox;

/// <summary>
/// Per-run limits of one sandboxed program. CPU time, address space, process count, file size and open files
/// are kernel rlimits (set with prlimit before the uid switch; core dumps are always off); the wall clock and
/// the output caps are enforced by the host, which kills the whole process tree when one is exceeded.
/// </summary>
public sealed record ResourceLimits
{
    /// <summary>CPU seconds (RLIMIT_CPU soft limit; the hard limit is one second more). Default 5 s, as a typical
    /// judge's per-test limit (open-r1's local code reward uses a 5 s wall-clock timeout per program).</summary>
    public TimeSpan CpuTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Wall-clock limit, which catches <c>sleep</c> and blocking reads that burn no CPU. Default 10 s.</summary>
    public TimeSpan WallClock { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Address-space limit in bytes (RLIMIT_AS), which bounds memory. Default 512 MiB.</summary>
    public long AddressSpaceBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Most processes/threads the slot's uid may have at once (RLIMIT_NPROC). Default 64, which contains fork bombs.</summary>
    public int MaxProcesses { get; init; } = 64;

    /// <summary>Largest file the program may write, in bytes (RLIMIT_FSIZE). Default 16 MiB.</summary>
    public long MaxFileSizeBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Most open file descriptors (RLIMIT_NOFILE). Default 64.</summary>
    public int MaxOpenFiles { get; init; } = 64;

    /// <summary>Most bytes read from stdout; one more and the run is killed with an output-limit verdict. Default 16 MiB.</summary>
    public int MaxStdoutBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Most bytes of stderr kept (the rest is drained and dropped; stderr beyond
    /// <see cref="MaxStdoutBytes"/> also ends the run). Default 64 KiB.</summary>
    public int MaxStderrBytesKept { get; init; } = 64 * 1024;

    /// <summary>The defaults for running a test: 5 s CPU, 10 s wall, 512 MiB, 64 processes.</summary>
    public static ResourceLimits Default { get; } = new();

    /// <summary>Limits for a compiler (g++ needs more memory and time than a solution). 30 s CPU, 60 s wall, 2 GiB.</summary>
    public static ResourceLimits Compiler { get; } = new()
    {
        CpuTime = TimeSpan.FromSeconds(30),
        WallClock = TimeSpan.FromSeconds(60),
        AddressSpaceBytes = 2L * 1024 * 1024 * 1024,
        MaxFileSizeBytes = 256L * 1024 * 1024,
        MaxOpenFiles = 256,
    };

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first limit that is not positive.</summary>
    public void Validate()
    {
        if (CpuTime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(CpuTime), CpuTime, "must be positive");
        if (WallClock <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(WallClock), WallClock, "must be positive");
        if (AddressSpaceBytes <= 0) throw new ArgumentOutOfRangeException(nameof(AddressSpaceBytes), AddressSpaceBytes, "must be positive");
        if (MaxProcesses <= 0) throw new ArgumentOutOfRangeException(nameof(MaxProcesses), MaxProcesses, "must be positive");
        if (MaxFileSizeBytes <= 0) throw new ArgumentOutOfRangeException(nameof(MaxFileSizeBytes), MaxFileSizeBytes, "must be positive");
        if (MaxOpenFiles <= 0) throw new ArgumentOutOfRangeException(nameof(MaxOpenFiles), MaxOpenFiles, "must be positive");
        if (MaxStdoutBytes <= 0) throw new ArgumentOutOfRangeException(nameof(MaxStdoutBytes), MaxStdoutBytes, "must be positive");
        if (MaxStderrBytesKept < 0) throw new ArgumentOutOfRangeException(nameof(MaxStderrBytesKept), MaxStderrBytesKept, "must not be negative");
    }
}
