namespace R1Sharp.Rewards.Code.Languages;

/// <summary>The pieces of a .NET SDK the C# toolchain needs, found under a root the sandbox can see (/usr).</summary>
/// <param name="Host">The <c>dotnet</c> host executable.</param>
/// <param name="CompilerDll">Roslyn's <c>csc.dll</c> of the newest SDK.</param>
/// <param name="ReferenceAssemblies">The reference pack's assemblies for the newest runtime's major version.</param>
/// <param name="RuntimeVersion">The newest Microsoft.NETCore.App runtime.</param>
internal sealed record DotNetInstallation(string Host, string CompilerDll, IReadOnlyList<string> ReferenceAssemblies, Version RuntimeVersion)
{
    private static readonly string[] Roots = ["/usr/share/dotnet", "/usr/lib/dotnet"];

    /// <summary>The installation, or null when no complete one is under /usr.</summary>
    public static DotNetInstallation? Find()
    {
        foreach (string root in Roots)
        {
            string host = Path.Combine(root, "dotnet");
            if (!File.Exists(host))
                continue;
            var runtime = NewestVersion(Path.Combine(root, "shared", "Microsoft.NETCore.App"));
            var sdk = NewestVersion(Path.Combine(root, "sdk"));
            if (runtime == null || sdk == null)
                continue;
            string csc = Path.Combine(root, "sdk", sdk.Value.Name, "Roslyn", "bincore", "csc.dll");
            var refPack = Directory.Exists(Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref"))
                ? Directory.EnumerateDirectories(Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref"))
                    .Select(d => Path.Combine(d, "ref", $"net{runtime.Value.Version.Major}.0"))
                    .Where(Directory.Exists)
                    .OrderByDescending(d => d, StringComparer.Ordinal)
                    .FirstOrDefault()
                : null;
            if (!File.Exists(csc) || refPack == null)
                continue;
            var references = Directory.EnumerateFiles(refPack, "*.dll").Order(StringComparer.Ordinal).ToList();
            return new DotNetInstallation(host, csc, references, runtime.Value.Version);
        }
        return null;
    }

    private static (string Name, Version Version)? NewestVersion(string directory)
    {
        if (!Directory.Exists(directory))
            return null;
        (string, Version)? best = null;
        foreach (string dir in Directory.EnumerateDirectories(directory))
        {
            string name = Path.GetFileName(dir);
            if (Version.TryParse(name, out var version) && (best == null || version > best.Value.Item2))
                best = (name, version);
        }
        return best;
    }
}
