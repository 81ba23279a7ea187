using System.Diagnostics.CodeAnalysis;

namespace R1Sharp.Rewards.Language;

/// <summary>Parses language names and ISO 639-1 codes (<c>en</c>, <c>zh-CN</c>, <c>Chinese</c>) and maps languages to scripts.</summary>
public static class ReasoningLanguageCodes
{
    private static readonly Dictionary<string, ReasoningLanguage> ByCode = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = ReasoningLanguage.English,
        ["english"] = ReasoningLanguage.English,
        ["zh"] = ReasoningLanguage.Chinese,
        ["chinese"] = ReasoningLanguage.Chinese,
        ["ja"] = ReasoningLanguage.Japanese,
        ["japanese"] = ReasoningLanguage.Japanese,
        ["ko"] = ReasoningLanguage.Korean,
        ["korean"] = ReasoningLanguage.Korean,
        ["ru"] = ReasoningLanguage.Russian,
        ["russian"] = ReasoningLanguage.Russian,
    };

    /// <summary>The accepted spellings, for error messages.</summary>
    public static string Known => "en, zh, ja, ko, ru (or english, chinese, japanese, korean, russian; a region suffix such as zh-CN is ignored)";

    /// <summary>Parses a code or name; a region suffix after '-' or '_' is ignored.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ReasoningLanguage? language)
    {
        language = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string key = text.Trim();
        int dash = key.IndexOfAny(['-', '_']);
        if (dash > 0) key = key[..dash];
        if (!ByCode.TryGetValue(key, out var found)) return false;
        language = found;
        return true;
    }

    /// <summary>True when a word of <paramref name="script"/> counts as written in <paramref name="language"/>.</summary>
    public static bool Accepts(this ReasoningLanguage language, WritingScript script) => language switch
    {
        ReasoningLanguage.English => script == WritingScript.Latin,
        ReasoningLanguage.Chinese => script == WritingScript.Han,
        ReasoningLanguage.Japanese => script is WritingScript.Kana or WritingScript.Han,
        ReasoningLanguage.Korean => script == WritingScript.Hangul,
        ReasoningLanguage.Russian => script == WritingScript.Cyrillic,
        _ => false,
    };
}
