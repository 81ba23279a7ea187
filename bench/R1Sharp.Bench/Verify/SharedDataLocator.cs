namespace R1Sharp.Bench.Verify;

/// <summary>Finds ../shared/data from the working directory or the binary (R1SHARP_SHARED_DATA overrides).</summary>
internal static class SharedDataLocator
{
    public static string Path(params string[] parts)
    {
        string? env = Environment.GetEnvironmentVariable("R1SHARP_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return System.IO.Path.Combine([env, .. parts]);
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                string candidate = System.IO.Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(candidate)) return System.IO.Path.Combine([candidate, .. parts]);
            }
        }
        throw new DirectoryNotFoundException("shared/data not found (set R1SHARP_SHARED_DATA)");
    }
}
