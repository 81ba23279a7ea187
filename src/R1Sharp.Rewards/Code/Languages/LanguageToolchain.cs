using System.Globalization;
using R1Sharp.Rewards.Sandbox;

namespace R1Sharp.Rewards.Code.Languages;

/// <summary>How a language's program is laid out, compiled (if at all) and started inside the sandbox.</summary>
/// <param name="Language">The language.</param>
/// <param name="SourceFileName">The source's name in the program folder.</param>
/// <param name="CompileCommand">The compiler's argv inside the sandbox (the program folder is writable then), or null for interpreted languages.</param>
/// <param name="RunCommand">The argv that runs the program.</param>
public sealed record LanguageToolchain(
    CodeLanguage Language,
    string SourceFileName,
    IReadOnlyList<string>? CompileCommand,
    IReadOnlyList<string> RunCommand)
{
    /// <summary>Files written next to the source before compiling (e.g. a compiler response file). Default none.</summary>
    public IReadOnlyList<(string Name, string Contents)> SupportFiles { get; init; } = [];

    /// <summary>Address space a managed runtime reserves up front (the .NET GC and JIT reserve far more than they use),
    /// added to the address-space limit; the program's own memory is then bounded by a heap limit instead. Default 0.</summary>
    public long RuntimeReserveBytes { get; init; }

    /// <summary>Set <c>DOTNET_GCHeapHardLimit</c> to the address-space limit, so a .NET program's memory stays bounded
    /// when <see cref="RuntimeReserveBytes"/> widens the address space. Default false.</summary>
    public bool BoundManagedHeap { get; init; }

    /// <summary>Python 3: <c>/usr/bin/python3 -I main.py</c> (isolated mode: no user site, no PYTHON* variables).
    /// The Debian interpreter, not a PATH shim (a pyenv shim measured 93 ms a start here against 10 ms).</summary>
    public static LanguageToolchain Python { get; } = new(
        CodeLanguage.Python, "main.py", null, ["/usr/bin/python3", "-I", $"{SandboxPaths.Program}/main.py"]);

    /// <summary>C++17 with <c>g++ -O2 -std=c++17</c> (the common judge setting).</summary>
    public static LanguageToolchain Cpp { get; } = new(
        CodeLanguage.Cpp, "main.cpp",
        ["/usr/bin/g++", "-O2", "-std=c++17", "-pipe", "-o", $"{SandboxPaths.Program}/main", $"{SandboxPaths.Program}/main.cpp"],
        [$"{SandboxPaths.Program}/main"]);

    private static readonly Lazy<LanguageToolchain?> CSharpToolchain = new(() => DotNetInstallation.Find() is { } dotnet ? CSharpFor(dotnet) : null);

    /// <summary>The toolchain of <paramref name="language"/>.</summary>
    /// <exception cref="NotSupportedException">The language's tools are not installed where the sandbox can see them.</exception>
    public static LanguageToolchain For(CodeLanguage language) => language switch
    {
        CodeLanguage.Python => Python,
        CodeLanguage.Cpp => Cpp,
        CodeLanguage.CSharp => CSharpToolchain.Value
            ?? throw new NotSupportedException("C# needs a .NET SDK (csc.dll and the reference pack) under /usr, e.g. /usr/share/dotnet; none found"),
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, "no toolchain"),
    };

    /// <summary>The limits of a run of this language (the runtime's reserve added to the address space).</summary>
    public ResourceLimits Adjust(ResourceLimits limits) =>
        RuntimeReserveBytes == 0 ? limits : limits with { AddressSpaceBytes = limits.AddressSpaceBytes + RuntimeReserveBytes };

    /// <summary>Environment variables of a run under <paramref name="limits"/> (before <see cref="Adjust"/>).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentFor(ResourceLimits limits)
    {
        if (!BoundManagedHeap)
            return new Dictionary<string, string>();
        return new Dictionary<string, string>
        {
            ["DOTNET_GCHeapHardLimit"] = "0x" + limits.AddressSpaceBytes.ToString("x", CultureInfo.InvariantCulture),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_gcServer"] = "0",
        };
    }

    private static LanguageToolchain CSharpFor(DotNetInstallation dotnet)
    {
        // A response file keeps the ~170 reference paths off the command line.
        var response = new List<string> { "-nologo", "-nostdlib", "-noconfig", "-optimize+", "-langversion:latest", "-nullable:disable", "-warn:0" };
        response.AddRange(dotnet.ReferenceAssemblies.Select(r => $"-r:\"{r}\""));
        response.Add($"-out:\"{SandboxPaths.Program}/main.dll\"");
        response.Add($"\"{SandboxPaths.Program}/main.cs\"");
        string runtimeConfig = "{\"runtimeOptions\":{\"tfm\":\"net" + dotnet.RuntimeVersion.Major + ".0\",\"framework\":{\"name\":"
            + "\"Microsoft.NETCore.App\",\"version\":\"" + dotnet.RuntimeVersion + "\"}}}";
        return new LanguageToolchain(
            CodeLanguage.CSharp, "main.cs",
            [dotnet.Host, dotnet.CompilerDll, $"@{SandboxPaths.Program}/csc.rsp"],
            [dotnet.Host, $"{SandboxPaths.Program}/main.dll"])
        {
            SupportFiles = [("csc.rsp", string.Join('\n', response)), ("main.runtimeconfig.json", runtimeConfig)],
            // Measured here: the runtime fails to start under 512 MiB of address space even with a 256 MiB heap
            // limit; 2 GiB more is enough for a program, csc needs the same on top of the compiler's 2 GiB.
            RuntimeReserveBytes = 2L * 1024 * 1024 * 1024,
            BoundManagedHeap = true,
        };
    }
}
