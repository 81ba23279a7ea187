namespace R1Sharp.Rewards.Sandbox;

/// <summary>How the sandbox is built: tool paths, worker slots and their uids, where scratch directories live.</summary>
public sealed record SandboxOptions
{
    /// <summary>The bubblewrap binary. Default <c>/usr/bin/bwrap</c> (Debian package <c>bubblewrap</c>).
    /// When it is missing the sandbox refuses to start; code is never run outside it.</summary>
    public string BubblewrapPath { get; init; } = "/usr/bin/bwrap";

    /// <summary>util-linux <c>unshare</c>: switches to the slot's uid (no groups, no capabilities) and makes an outer pid
    /// namespace whose init reaps bwrap's own init at once (measured here: without it, 38 of 100 back-to-back runs
    /// failed to fork). Default <c>/usr/bin/unshare</c>.</summary>
    public string UnsharePath { get; init; } = "/usr/bin/unshare";

    /// <summary>util-linux <c>prlimit</c>, which sets the rlimits. Default <c>/usr/bin/prlimit</c>.</summary>
    public string PrlimitPath { get; init; } = "/usr/bin/prlimit";

    /// <summary>Number of programs run at once; each slot has its own uid. Default: the machine's core count.</summary>
    public int WorkerSlots { get; init; } = Environment.ProcessorCount;

    /// <summary>First uid of the range slots take their uids from (numeric uids without a passwd entry are fine).
    /// A uid is claimed with a lock file, so several processes on one host never share one. Default 61000.</summary>
    public int FirstUid { get; init; } = 61000;

    /// <summary>Size of the uid range. Default 1000.</summary>
    public int UidCount { get; init; } = 1000;

    /// <summary>Host folder for uid locks, program folders and per-run scratch folders.
    /// Default <c>&lt;temp&gt;/r1sharp-sandbox</c>.</summary>
    public string StateDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "r1sharp-sandbox");

    /// <summary>Host paths bound read-only into the sandbox when they exist (symlinks such as Debian's
    /// <c>/bin -> usr/bin</c> are recreated as symlinks). Default: /usr, /bin, /lib, /lib64, /sbin,
    /// and /etc/alternatives and /etc/ld.so.cache (program lookups and the dynamic loader's cache); nothing else of /etc.</summary>
    public IReadOnlyList<string> ReadOnlyPaths { get; init; } =
        ["/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc/alternatives", "/etc/ld.so.cache"];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (WorkerSlots <= 0) throw new ArgumentOutOfRangeException(nameof(WorkerSlots), WorkerSlots, "must be positive");
        if (FirstUid <= 0) throw new ArgumentOutOfRangeException(nameof(FirstUid), FirstUid, "must be a non-root uid");
        if (UidCount < WorkerSlots) throw new ArgumentOutOfRangeException(nameof(UidCount), UidCount, $"must be at least {nameof(WorkerSlots)} ({WorkerSlots})");
        if (string.IsNullOrWhiteSpace(StateDirectory)) throw new ArgumentException("must not be empty", nameof(StateDirectory));
        foreach (var path in ReadOnlyPaths)
            if (!Path.IsPathRooted(path))
                throw new ArgumentException($"'{path}' is not an absolute path", nameof(ReadOnlyPaths));
    }
}
