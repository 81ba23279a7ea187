namespace R1Sharp.Rewards.Code;

/// <summary>Maps the names used in fence tags and in <c>verification_info.language</c> to <see cref="CodeLanguage"/>.</summary>
public static class CodeLanguageNames
{
    private static readonly Dictionary<string, CodeLanguage> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["python"] = CodeLanguage.Python,
        ["py"] = CodeLanguage.Python,
        ["python3"] = CodeLanguage.Python,
        ["py3"] = CodeLanguage.Python,
        ["cpp"] = CodeLanguage.Cpp,
        ["c++"] = CodeLanguage.Cpp,
        ["cxx"] = CodeLanguage.Cpp,
        ["cc"] = CodeLanguage.Cpp,
        ["c++17"] = CodeLanguage.Cpp,
        ["cpp17"] = CodeLanguage.Cpp,
        ["csharp"] = CodeLanguage.CSharp,
        ["cs"] = CodeLanguage.CSharp,
        ["c#"] = CodeLanguage.CSharp,
    };

    /// <summary>The language a name stands for (case-insensitive), or false.</summary>
    public static bool TryParse(string? name, out CodeLanguage language) =>
        Names.TryGetValue(name?.Trim() ?? "", out language);

    /// <summary>Every accepted name of <paramref name="language"/>.</summary>
    public static IEnumerable<string> AliasesOf(CodeLanguage language) =>
        Names.Where(kv => kv.Value == language).Select(kv => kv.Key);
}
