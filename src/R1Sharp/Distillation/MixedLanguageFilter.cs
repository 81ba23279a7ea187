using System.Text;

namespace R1Sharp.Distillation;

/// <summary>
/// Drops chains of thought that mix languages, the readability problem of R1-Zero that R1's rejection sampling
/// filtered out (paper §2.3.3). Letters are counted by writing system (Latin, CJK, Hangul, Cyrillic, Arabic, ...);
/// the reasoning is mixed when letters outside its main script make up more than <see cref="MaxForeignShare"/>.
/// Greek is not counted (mathematics writes π, θ in any language), nor are digits, symbols and LaTeX.
/// With <see cref="Script"/> set, the main script must also be that one (e.g. Latin for English data).
/// </summary>
/// <param name="MaxForeignShare">Largest share of letters allowed outside the main script. Default 0.01.</param>
/// <param name="Script">Required main script, or null to accept whichever dominates. Default null.</param>
public sealed record MixedLanguageFilter(double MaxForeignShare = 0.01, WritingSystem? Script = null) : IResponseFilter
{
    /// <inheritdoc />
    public string Name => "mixed_language";

    /// <inheritdoc />
    public bool Keep(SampledResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var counts = CountLetters(response.Parts.Reasoning);
        long total = counts.Values.Sum();
        if (total == 0) return true;
        var (main, mainCount) = counts.MaxBy(c => c.Value);
        if (Script is { } required && main != required) return false;
        return (double)(total - mainCount) / total <= MaxForeignShare;
    }

    /// <summary>Letters of <paramref name="text"/> per writing system (Greek and non-letters left out).</summary>
    public static Dictionary<WritingSystem, long> CountLetters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var counts = new Dictionary<WritingSystem, long>();
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsLetter(rune)) continue;
            var system = Classify(rune.Value);
            if (system is { } s) counts[s] = counts.GetValueOrDefault(s) + 1;
        }
        return counts;
    }

    private static WritingSystem? Classify(int c) => c switch
    {
        < 0x0250 => WritingSystem.Latin,
        >= 0x0370 and < 0x0400 => null, // Greek: mathematical symbols in any language
        >= 0x0400 and < 0x0530 => WritingSystem.Cyrillic,
        >= 0x0590 and < 0x0600 => WritingSystem.Hebrew,
        >= 0x0600 and < 0x0780 => WritingSystem.Arabic,
        >= 0x0900 and < 0x0E00 => WritingSystem.Indic,
        >= 0x0E00 and < 0x0E80 => WritingSystem.Thai,
        >= 0x1100 and < 0x1200 or >= 0xAC00 and < 0xD7B0 or >= 0x3130 and < 0x3190 => WritingSystem.Hangul,
        >= 0x1E00 and < 0x1F00 => WritingSystem.Latin,
        >= 0x1F00 and < 0x2000 => null,
        >= 0x3040 and < 0x3100 or >= 0x3400 and < 0xA000 or >= 0xF900 and < 0xFB00 or >= 0x20000 and < 0x30000 => WritingSystem.Cjk,
        >= 0xFF00 and < 0xFFF0 => WritingSystem.Latin, // full-width Latin forms
        _ => WritingSystem.Other,
    };
}
