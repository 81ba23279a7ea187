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
    /// <summary>Python 3: <c>/usr/bin/python3 -I main.py</c> (isolated mode: no user site, no PYTHON* variables).
    /// The Debian interpreter, not a PATH shim (a pyenv shim measured 93 ms a start here against 10 ms).</summary>
    public static LanguageToolchain Python { get; } = new(
        CodeLanguage.Python, "main.py", null, ["/usr/bin/python3", "-I", $"{SandboxPaths.Program}/main.py"]);

    /// <summary>C++17 with <c>g++ -O2 -std=c++17</c> (the common judge setting), run as a static-free native binary.</summary>
    public static LanguageToolchain Cpp { get; } = new(
        CodeLanguage.Cpp, "main.cpp",
        ["/usr/bin/g++", "-O2", "-std=c++17", "-pipe", "-o", $"{SandboxPaths.Program}/main", $"{SandboxPaths.Program}/main.cpp"],
        [$"{SandboxPaths.Program}/main"]);

    /// <summary>The toolchain of <paramref name="language"/>.</summary>
    public static LanguageToolchain For(CodeLanguage language) => language switch
    {
        CodeLanguage.Python => Python,
        CodeLanguage.Cpp => Cpp,
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, "no toolchain"),
    };
}
