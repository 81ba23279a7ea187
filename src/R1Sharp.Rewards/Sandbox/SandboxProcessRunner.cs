using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace R1Sharp.Rewards.Sandbox;

/// <summary>
/// Starts one launcher chain (<see cref="SandboxCommandLine"/>), feeds stdin, reads capped stdout/stderr, enforces
/// the wall clock and kills the whole tree on any limit or cancellation.
/// </summary>
internal static class SandboxProcessRunner
{
    public static async Task<SandboxRunResult> RunAsync(
        IReadOnlyList<string> argv, SandboxRequest request, int uid, CancellationToken cancellationToken)
    {
        var limits = request.Limits;
        var start = new ProcessStartInfo(argv[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in argv.Skip(1))
            start.ArgumentList.Add(arg);
        // Nothing of the host's environment reaches the launchers (bwrap clears it again for the program).
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";

        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new SandboxUnavailableException($"cannot start the sandbox launcher '{argv[0]}': {e.Message}", e);
        }

        int killReason = 0; // 0 none, 1 wall clock, 2 output limit, 3 cancelled
        void KillFor(int reason)
        {
            if (Interlocked.CompareExchange(ref killReason, reason, 0) == 0)
                KillTree(process.Id);
        }

        var stdout = new CappedOutput(limits.MaxStdoutBytes, limits.MaxStdoutBytes, () => KillFor(2));
        var stderr = new CappedOutput(limits.MaxStderrBytesKept, limits.MaxStdoutBytes, () => KillFor(2));
        var readers = Task.WhenAll(
            stdout.DrainAsync(process.StandardOutput.BaseStream),
            stderr.DrainAsync(process.StandardError.BaseStream));
        var writer = WriteStdinAsync(process.StandardInput.BaseStream, request.Stdin);

        using var wallClock = new CancellationTokenSource(limits.WallClock);
        using var onWall = wallClock.Token.Register(() => KillFor(1));
        using var onCancel = cancellationToken.Register(() => KillFor(3));

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        // The outer pid namespace is gone with its init, so every writer of the pipes is gone too; the bound is a safety net.
        if (await Task.WhenAny(readers, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false) != readers)
        {
            await SlotProcessSweeper.KillAllAsync(uid).ConfigureAwait(false);
            await readers.ConfigureAwait(false);
        }
        await writer.ConfigureAwait(false);
        var wall = stopwatch.Elapsed;
        int exitCode = process.ExitCode;

        // Second line of defence: nothing of this uid may outlive the run (a run that did leave something is noted).
        await SlotProcessSweeper.KillAllAsync(uid).ConfigureAwait(false);

        cancellationToken.ThrowIfCancellationRequested();
        string stderrText = Encoding.UTF8.GetString(stderr.Kept);
        var (termination, code, signal) = killReason switch
        {
            1 => (SandboxTermination.WallClockLimit, (int?)null, (int?)null),
            2 => (SandboxTermination.OutputLimit, null, null),
            // bwrap and unshare both pass a child's death by signal n on as exit status 128 + n.
            _ when exitCode > 128 && exitCode <= 128 + 64 => (SandboxTermination.Signaled, null, exitCode - 128),
            _ => (SandboxTermination.Exited, exitCode, null),
        };
        return new SandboxRunResult(termination, code, signal, stdout.Kept, stderrText, wall, uid);
    }

    private static async Task WriteStdinAsync(Stream stdin, ReadOnlyMemory<byte> data)
    {
        try
        {
            if (!data.IsEmpty)
                await stdin.WriteAsync(data).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The program exited or closed stdin without reading everything: not an error of the sandbox.
        }
        finally
        {
            try { stdin.Dispose(); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Kills the outer namespace's init, which takes every process of the run with it. The launcher (unshare) is
    /// left alive to reap that init: killing it too would orphan the init to the host's init, which reaps late,
    /// leaving a zombie of the slot's uid behind. Only when the init does not exist yet is the launcher killed.
    /// </summary>
    private static void KillTree(int launcherPid)
    {
        bool killedChild = false;
        try
        {
            string children = File.ReadAllText($"/proc/{launcherPid}/task/{launcherPid}/children");
            foreach (string pid in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                if (int.TryParse(pid, out int child))
                    killedChild |= LinuxNative.Kill(child, LinuxNative.SigKill);
        }
        catch (IOException)
        {
            // The launcher is already gone.
        }
        if (!killedChild)
            LinuxNative.Kill(launcherPid, LinuxNative.SigKill);
    }
}
