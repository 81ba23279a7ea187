using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using R1Sharp.Build;

namespace R1Sharp;

/// <summary>
/// Makes TorchSharp's native library loadable on systems whose libstdc++ is older than the one it was linked
/// against (Debian 12 has GLIBCXX up to 3.4.30, TorchSharp asks for 3.4.32). Our own build already patches every copy it writes
/// (Directory.Build.targets); this runs when R1Sharp is loaded, before any torch call, for apps that reference
/// R1Sharp without our build (e.g. from a package), and patches the copy next to the app if it is writable.
/// </summary>
public static class TorchNativeCompatibility
{
    /// <summary>Version needs marked weak: never-called symbols that Debian 12's libstdc++ lacks.</summary>
    public static IReadOnlyList<string> WeakenedVersions { get; } = ["GLIBCXX_3.4.32", "GLIBCXX_3.4.31"];

    /// <summary>What the check did at startup (for `r1 info` and diagnostics).</summary>
    public static string Status { get; private set; } = "not checked";

    // CA2255 warns that module initializers are meant for apps; here it is the point: the patch must happen
    // before the first torch call anywhere in the process, and every such call goes through this assembly.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void PatchOnLoad()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) { Status = "not Linux: nothing to do"; return; }
        string library = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(library)) { Status = "libLibTorchSharp.so not beside the app: nothing to do"; return; }
        try
        {
            var changed = ElfSymbolVersionPatcher.MarkWeak(library, WeakenedVersions.ToList());
            Status = changed.Count == 0 ? "already compatible" : $"patched {string.Join(", ", changed)} weak at startup";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // Never fail startup over this: torch will report its own load error if the library really cannot load.
            Status = $"could not check {library}: {e.Message}";
        }
    }
}
