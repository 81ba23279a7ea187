namespace R1Sharp.Rewards.Tests.Sandbox;

/// <summary>An independent check (not the library's sweeper): every /proc entry whose real uid is one of the given uids.</summary>
internal static class ProcScan
{
    public static List<string> ProcessesOf(IEnumerable<int> uids)
    {
        var wanted = uids.Select(u => u.ToString()).ToHashSet();
        var found = new List<string>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
                continue;
            try
            {
                foreach (string line in File.ReadLines(Path.Combine(dir, "status")))
                {
                    if (!line.StartsWith("Uid:"))
                        continue;
                    string realUid = line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
                    if (wanted.Contains(realUid))
                        found.Add($"{Path.GetFileName(dir)} uid {realUid}: {File.ReadAllText(Path.Combine(dir, "stat"))}");
                    break;
                }
            }
            catch (IOException)
            {
                // exited while scanning
            }
        }
        return found;
    }
}
