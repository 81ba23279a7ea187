using System.Text;
using System.Text.RegularExpressions;
using R1Sharp.Verify.Numbers;

namespace R1Sharp.Verify.Parsing;

/// <summary>
/// Rewrites an extracted answer into the plain LaTeX subset the parser reads: math delimiters, sizing and
/// spacing commands, markdown bold, <c>\text</c> wrappers, units, degrees and currency go (policy rules 5-6);
/// thousands separators are removed (rule 2); percent words become <c>\%</c> (rule 4).
/// </summary>
internal static partial class LatexNormalizer
{
    private static readonly (string From, string To)[] Replacements =
    [
        ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"), ("\\cfrac", "\\frac"), ("\\dbinom", "\\binom"), ("\\tbinom", "\\binom"),
        ("\\left", ""), ("\\right", ""), ("\\bigl", ""), ("\\bigr", ""), ("\\Bigl", ""), ("\\Bigr", ""), ("\\big", ""), ("\\Big", ""),
        ("\\displaystyle", ""), ("\\textstyle", ""), ("\\limits", ""),
        ("\\!", ""), ("\\,", " "), ("\\;", " "), ("\\:", " "), ("\\qquad", " "), ("\\quad", " "), ("~", " "),
        ("\\$", ""), ("$", ""), ("**", ""),
        ("\\leqslant", "≤"), ("\\geqslant", "≥"), ("\\leq", "≤"), ("\\geq", "≥"), ("\\le", "≤"), ("\\ge", "≥"),
        ("\\neq", "≠"), ("\\ne", "≠"), ("<=", "≤"), (">=", "≥"), ("!=", "≠"), ("\\lt", "<"), ("\\gt", ">"),
        ("\\cdot", "*"), ("\\times", "*"), ("\\ast", "*"), ("\\div", "/"), ("×", "*"), ("·", "*"), ("÷", "/"),
        ("−", "-"), ("–", "-"), ("π", "\\pi "), ("∞", "\\infty "), ("√", "\\sqrt"), ("∪", "\\cup "), ("±", "\\pm "), ("≈", "\\approx "), ("∈", "\\in "), ("²", "^{2}"), ("³", "^{3}"), ("½", "\\frac{1}{2}"), ("¼", "\\frac{1}{4}"), ("¾", "\\frac{3}{4}"),
        ("\\mathbb{R}", "\\R "), ("\\mathbb R", "\\R "), ("ℝ", "\\R "), ("\\varnothing", "\\emptyset"),
        ("^{\\circ}", ""), ("^\\circ", ""), ("\\circ", ""), ("°", ""), ("\\degree", ""),
        ("\\{", "\\lbrace "), ("\\}", " \\rbrace"), ("\\lbrace", "\\lbrace "), ("\\rbrace", " \\rbrace"),
        ("\\lvert", "|"), ("\\rvert", "|"), ("\\vert", "|"), ("\\mid", "|"), ("\\%", "%"),
        ("\\land", " and "), ("\\lor", " or "), ("\\wedge", " and "), ("\\vee", " or "),
    ];

    /// <summary>Text wrappers whose content is kept (or dropped when it is a unit after a value).</summary>
    private static readonly string[] TextCommands =
        ["\\textnormal{", "\\textbf{", "\\textit{", "\\textrm{", "\\text{", "\\mathrm{", "\\mathbf{", "\\mathit{", "\\mbox{", "\\hbox{", "\\operatorname{", "\\boxed{", "\\fbox{"];

    // Most answers have no backslash: the command rewrites are skipped for them (the verifier's hot path).
    private static readonly (string From, string To)[] CommandReplacements = Replacements.Where(r => r.From.Contains('\\')).ToArray();
    private static readonly (string From, string To)[] PlainReplacements = Replacements.Where(r => !r.From.Contains('\\')).ToArray();

    public static string Normalize(string answer)
    {
        string s = answer.Trim();
        // "\\frac" (a doubled backslash before a command) is an escaping slip, not a row break.
        if (s.Contains("\\\\", StringComparison.Ordinal) && !s.Contains("\\begin", StringComparison.Ordinal)) s = DoubledBackslash().Replace(s, "\\");
        s = s.Replace("{, }", "{,}", StringComparison.Ordinal);
        s = StripDelimiters(s);
        s = UnwrapText(s);
        s = ThousandsSeparators.Remove(s);
        if (s.Contains('\\'))
            foreach (var (from, to) in CommandReplacements)
                if (s.Contains(from, StringComparison.Ordinal)) s = s.Replace(from, to, StringComparison.Ordinal);
        foreach (var (from, to) in PlainReplacements)
            if (s.Contains(from, StringComparison.Ordinal)) s = s.Replace(from, to, StringComparison.Ordinal);
        // The regular expressions run only where their trigger is present: most answers are short and plain.
        if (s.Contains("\\ ", StringComparison.Ordinal)) s = EscapedSpace().Replace(s, "$1 ");
        if (s.Contains("pct", StringComparison.OrdinalIgnoreCase) || s.Contains("percent", StringComparison.OrdinalIgnoreCase))
            s = PercentWords().Replace(s, "%");
        s = s.Trim();
        if (s.Length > 0 && (char.IsAsciiLetter(s[^1]) || s[^1] is '2' or '3' or '}')) s = StripTrailingUnitWords(s);
        s = s.Trim().TrimEnd('.', ',', ';', ' ').Trim();
        return s.Contains("  ", StringComparison.Ordinal) || s.Contains('\n') || s.Contains('\t') || s.Contains('\r') ? CollapseSpaces().Replace(s, " ") : s;
    }

    private static string StripDelimiters(string s)
    {
        foreach (var (open, close) in new[] { ("\\[", "\\]"), ("\\(", "\\)") })
            if (s.StartsWith(open, StringComparison.Ordinal) && s.EndsWith(close, StringComparison.Ordinal) && s.Length >= 4)
                s = s[open.Length..^close.Length];
        return s.Replace("\\(", " ", StringComparison.Ordinal).Replace("\\)", " ", StringComparison.Ordinal)
                .Replace("\\[", " ", StringComparison.Ordinal).Replace("\\]", " ", StringComparison.Ordinal);
    }

    // \text{…}: a unit word after a value is dropped (with a following ^2/^3); any other content is kept bare.
    private static string UnwrapText(string s)
    {
        if (!s.Contains('\\')) return s;
        for (int guard = 0; guard < 64; guard++)
        {
            int at = -1; string? command = null;
            foreach (var c in TextCommands)
            {
                int idx = s.IndexOf(c, StringComparison.Ordinal);
                if (idx >= 0 && (at < 0 || idx < at)) { at = idx; command = c; }
            }
            if (command is null) return s;
            int open = at + command.Length - 1;
            int close = BraceMatcher.FindClose(s, open);
            if (close < 0) return s; // unbalanced: leave as is, the parser rejects it
            string content = s[(open + 1)..close];
            string before = s[..at];
            int after = close + 1;
            bool afterValue = before.Any(char.IsAsciiDigit) || before.TrimEnd().EndsWith('}');
            if (afterValue && UnitWords.IsUnitPhrase(content))
            {
                var power = UnitPower().Match(s, after);
                if (power.Success && power.Index == after) after += power.Length;
                s = before + " " + s[after..];
            }
            else
            {
                s = before + content + s[after..];
            }
        }
        return s;
    }

    private static string StripTrailingUnitWords(string s)
    {
        var match = TrailingWords().Match(s);
        if (!match.Success) return s;
        string words = match.Groups["words"].Value;
        if (words.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(w => w.Length < 2)) return s;
        return UnitWords.IsUnitPhrase(words) ? s[..match.Index] + match.Groups["value"].Value : s;
    }

    [GeneratedRegex(@"\s*(?:percentage|percent|pct)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PercentWords();

    [GeneratedRegex(@"\G\^\{?[23]\}?")]
    private static partial Regex UnitPower();

    [GeneratedRegex(@"(?<value>[0-9}%)])\s+(?<words>[A-Za-z][A-Za-z ./]*?)(?:\^\{?[23]\}?)?$")]
    private static partial Regex TrailingWords();

    [GeneratedRegex(@"(?<!\\)\\\\(?=[A-Za-z])")]
    private static partial Regex DoubledBackslash();

    // "\ " is a space, but "\\ " is a row break followed by a space.
    [GeneratedRegex(@"(?<!\\)((?:\\\\)*)\\ ")]
    private static partial Regex EscapedSpace();

    [GeneratedRegex(@"\s+")]
    private static partial Regex CollapseSpaces();
}
