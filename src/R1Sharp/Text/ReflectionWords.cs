using System.Text.RegularExpressions;

namespace R1Sharp.Text;

/// <summary>
/// Detects self-reflection in a completion — the paper's "aha moment" signal: words such as "wait", "verify",
/// "check again", "re-check", "re-evaluate", "let me try again".
/// </summary>
public static partial class ReflectionWords
{
    /// <summary>True when the text contains any reflection word or phrase (case-insensitive, whole words).</summary>
    public static bool Contains(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Pattern().IsMatch(text);
    }

    [GeneratedRegex(@"\b(wait|verify|verifying|check again|re-?check|double-?check|re-?evaluate|try again|mistake|hmm)\b", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Pattern();
}
