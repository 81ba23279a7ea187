using System.Globalization;

namespace R1Sharp.Rewards.Sandbox;

/// <summary>
/// Builds the launcher chain for one run, outermost first:
/// <c>prlimit</c> (rlimits, inherited by everything below) -> <c>unshare --pid --fork --kill-child --setuid U
/// --setgid U</c> (an outer pid namespace whose init, running as the slot's uid, reaps at once and whose death ends
/// every process of the run) -> <c>bwrap</c> (new user/pid/net/ipc/uts/cgroup namespaces, read-only system, tmpfs
/// /tmp and scratch, no_new_privs) -> the program. Three execs before the program: each costs a few
/// milliseconds, which is most of the sandbox's overhead.
/// </summary>
internal static class SandboxCommandLine
{
    /// <summary>Size of the per-run tmpfs for /tmp and for the scratch folder (bounds what a run can write).</summary>
    public const long TmpfsBytes = 64L * 1024 * 1024;

    public static List<string> Build(SandboxOptions options, SandboxRequest request, int uid, bool programWritable)
    {
        var limits = request.Limits;
        long cpuSeconds = Math.Max(1, (long)Math.Ceiling(limits.CpuTime.TotalSeconds));
        var argv = new List<string>
        {
            options.PrlimitPath,
            $"--cpu={cpuSeconds}:{cpuSeconds + 1}",
            $"--as={limits.AddressSpaceBytes}",
            $"--nproc={limits.MaxProcesses}",
            $"--fsize={limits.MaxFileSizeBytes}",
            $"--nofile={limits.MaxOpenFiles}",
            "--core=0", "--",
            // The forked child (the outer namespace's init) drops to the slot uid: setgroups([]), setgid, setuid,
            // which also clears every capability. bwrap then runs unprivileged and sets no_new_privs itself.
            options.UnsharePath, "--pid", "--fork", "--kill-child",
            "--setuid", uid.ToString(CultureInfo.InvariantCulture),
            "--setgid", uid.ToString(CultureInfo.InvariantCulture), "--",
            options.BubblewrapPath,
            "--unshare-all", "--unshare-user", "--disable-userns",
            "--die-with-parent", "--new-session", "--cap-drop", "ALL",
        };
        foreach (string path in options.ReadOnlyPaths)
            AddReadOnly(argv, path);
        argv.AddRange(["--proc", "/proc", "--dev", "/dev"]);
        string size = TmpfsBytes.ToString(CultureInfo.InvariantCulture);
        argv.AddRange(["--size", size, "--tmpfs", "/tmp"]);
        argv.AddRange(["--size", size, "--tmpfs", SandboxPaths.Work]);
        if (request.Program is { } program)
            argv.AddRange([programWritable ? "--bind" : "--ro-bind", program.HostPath, SandboxPaths.Program]);
        // The root itself is bwrap's own tmpfs: make it read-only too, so only /tmp and the scratch folder take writes.
        argv.AddRange(["--remount-ro", "/"]);
        argv.AddRange(["--chdir", SandboxPaths.Work, "--clearenv",
            "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin",
            "--setenv", "HOME", SandboxPaths.Work,
            "--setenv", "LANG", "C.UTF-8"]);
        foreach (var (name, value) in request.Environment)
            argv.AddRange(["--setenv", name, value]);
        argv.Add("--");
        argv.AddRange(request.Command);
        return argv;
    }

    private static void AddReadOnly(List<string> argv, string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target && path.Count(c => c == '/') == 1)
        {
            // Top-level symlinks such as Debian's /bin -> usr/bin are recreated, so the sandbox has the same layout.
            argv.AddRange(["--symlink", target, path]);
        }
        else if (info.Exists || Directory.Exists(path))
        {
            argv.AddRange(["--ro-bind", path, path]);
        }
    }
}
