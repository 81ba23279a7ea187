namespace R1Sharp.Testing;

/// <summary>
/// Locates the read-only real data (<c>../shared/data</c> beside the repository: benchmarks, verifier cases,
/// model metadata). Tests that need it fail loudly when it is missing rather than being skipped.
/// </summary>
internal static class SharedData
{
    private static readonly Lazy<string> Root = new(Find);

    /// <summary>Absolute path of shared/data.</summary>
    public static string Dir => Root.Value;

    /// <summary>Absolute path of a file or folder under shared/data.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Dir, .. parts]);

    /// <summary>The repository root (the folder that holds R1Sharp.slnx).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(System.IO.Path.Combine(dir.FullName, "R1Sharp.slnx")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new DirectoryNotFoundException("R1Sharp.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    private static string Find()
    {
        string? env = Environment.GetEnvironmentVariable("R1SHARP_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
            dir = dir.Parent;
        }
        throw new DirectoryNotFoundException(
            "shared/data not found beside the repository (set R1SHARP_SHARED_DATA to its path)");
    }
}
