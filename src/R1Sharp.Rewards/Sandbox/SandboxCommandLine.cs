using System.Globalization;

namespace R1Sharp.Rewards.Sandbox;

/// <summary>
/// Builds the launcher chain for one run, outermost first:
/// <c>unshare --pid --fork --kill-child</c> (an init that reaps at once, and whose death ends every process of the
/// run) -> <c>prlimit</c> (rlimits, set while still root so they bind the new uid) -> <c>setpriv</c> (slot uid,
/// no groups, no capabilities, no-new-privs) -> <c>bwrap</c> (new user/pid/net/ipc/uts/cgroup namespaces,
/// read-only system, tmpfs /tmp and scratch) -> the program.
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
            options.UnsharePath, "--pid", "--fork", "--kill-child", "--",
            options.PrlimitPath,
            $"--cpu={cpuSeconds}:{cpuSeconds + 1}",
            $"--as={limits.AddressSpaceBytes}",
            $"--nproc={limits.MaxProcesses}",
            $"--fsize={limits.MaxFileSizeBytes}",
            $"--nofile={limits.MaxOpenFiles}",
            "--core=0", "--",
            options.SetprivPath,
            $"--reuid={uid}", $"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
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
