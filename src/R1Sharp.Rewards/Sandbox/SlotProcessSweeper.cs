using System.Globalization;

namespace R1Sharp.Rewards.Sandbox;

/// <summary>
/// Finds and kills every live process of a slot's uid. The pid namespaces already end the whole tree when a run
/// ends; this sweep is the second line (and reclaims a uid a crashed process left behind).
/// </summary>
internal static class SlotProcessSweeper
{
    /// <summary>Pids of live (non-zombie) processes whose /proc entry belongs to <paramref name="uid"/>.</summary>
    public static List<int> LiveProcesses(int uid)
    {
        var found = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            string name = Path.GetFileName(dir);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]) || !int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                continue;
            if (LinuxNative.OwnerUid(dir) != (uint)uid)
                continue;
            if (!IsZombie(dir))
                found.Add(pid);
        }
        return found;
    }

    /// <summary>Kills every live process of <paramref name="uid"/> until none is left; returns how many were killed.</summary>
    /// <exception cref="InvalidOperationException">Processes survived repeated SIGKILLs (should not happen).</exception>
    public static async Task<int> KillAllAsync(int uid)
    {
        int killed = 0;
        for (int round = 0; round < 200; round++)
        {
            var pids = LiveProcesses(uid);
            if (pids.Count == 0)
                return killed;
            foreach (int pid in pids)
                if (LinuxNative.Kill(pid, LinuxNative.SigKill))
                    killed++;
            await Task.Delay(round < 10 ? 1 : 10).ConfigureAwait(false);
        }
        throw new InvalidOperationException($"processes of sandbox uid {uid} survive SIGKILL: {string.Join(", ", LiveProcesses(uid))}");
    }

    private static bool IsZombie(string procDir)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) S ...": the state follows the last ')' (comm may contain spaces or parens).
            string stat = File.ReadAllText(Path.Combine(procDir, "stat"));
            int close = stat.LastIndexOf(')');
            return close >= 0 && close + 2 < stat.Length && stat[close + 2] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return true; // gone meanwhile
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
