using System.Text;
using System.Text.RegularExpressions;

namespace R1Sharp.Verify.Comparison;

/// <summary>
/// Rule 6: text answers compare case-insensitively as whole strings; multiple-choice answers (B), B, \text{(B)}
/// are one letter, and the prediction must be exactly one letter too.
/// </summary>
internal static partial class TextAnswers
{
    private static readonly HashSet<string> MathWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "pmatrix", "bmatrix", "Bmatrix", "matrix", "smallmatrix", "array", "sin", "cos", "tan", "sec", "csc", "cot", "log", "exp", "sqrt", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
    };

    /// <summary>The choice letter of "(B)", "B" (single letters only), else null.</summary>
    public static char? ChoiceLetter(string normalized)
    {
        var match = Choice().Match(normalized);
        return match.Success ? char.ToUpperInvariant(match.Groups["letter"].Value[0]) : null;
    }

    /// <summary>True when the answer contains a word (three or more letters that are not a command or function name).</summary>
    public static bool IsText(string normalized) =>
        Word().Matches(normalized).Any(m => !MathWords.Contains(m.Value));

    /// <summary>The comparison key: lower case, without spaces, braces and trailing punctuation.</summary>
    public static string Key(string normalized)
    {
        var b = new StringBuilder(normalized.Length);
        foreach (char c in normalized)
            if (!char.IsWhiteSpace(c) && c != '{' && c != '}') b.Append(char.ToLowerInvariant(c));
        return b.ToString().TrimEnd('.', ',', ';', '!');
    }

    [GeneratedRegex(@"^\(?(?<letter>[A-Za-z])\)?$")]
    private static partial Regex Choice();

    [GeneratedRegex(@"(?<![\\A-Za-z])[A-Za-z]{3,}")]
    private static partial Regex Word();
}
