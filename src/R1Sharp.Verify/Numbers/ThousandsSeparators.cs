using System.Text;

namespace R1Sharp.Verify.Numbers;

/// <summary>
/// Removes thousands separators from digit runs (policy rule 2), only where every group after the first has
/// exactly three digits and the first has one to three (not a lone 0). The LaTeX separators <c>{,}</c>,
/// <c>,\!</c> and <c>\,</c> may have spaces around them; a plain <c>,</c> may not, and inside brackets it
/// separates items: <c>32, 349</c>, <c>1,22</c> and <c>(12,102)</c> are lists, <c>1,234</c> is 1234.
/// </summary>
internal static class ThousandsSeparators
{
    private static readonly string[] LatexSeparators = [",\\!", "{,}", "\\,"];

    public static string Remove(string text)
    {
        if (text.IndexOf(',') < 0 && !text.Contains("\\,", StringComparison.Ordinal)) return text;
        var output = new StringBuilder(text.Length);
        int depth = 0;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c is '(' or '[' || (c == '{' && i > 0 && text[i - 1] == '\\')) depth++;
            else if ((c is ')' or ']' || (c == '}' && i > 0 && text[i - 1] == '\\')) && depth > 0) depth--;
            bool runStart = char.IsAsciiDigit(c) && (i == 0 || (!char.IsAsciiDigit(text[i - 1]) && text[i - 1] != '.'));
            if (!runStart) { output.Append(c); i++; continue; }
            i = ScanGroupedNumber(text, i, allowPlainComma: depth == 0, output);
        }
        return output.ToString();
    }

    // Appends digits (separator digits{3})* from start without separators, or just the leading digit run when
    // the grouping is not valid; returns where it stopped.
    private static int ScanGroupedNumber(string text, int start, bool allowPlainComma, StringBuilder output)
    {
        int i = start;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        int firstEnd = i;
        if (firstEnd - start > 3 || text[start] == '0') { output.Append(text, start, firstEnd - start); return firstEnd; }
        var grouped = new StringBuilder().Append(text, start, firstEnd - start);
        int groups = 0;
        while (true)
        {
            int g = NextGroupStart(text, i, allowPlainComma);
            if (g < 0) break;
            int k = g;
            while (k < text.Length && char.IsAsciiDigit(text[k])) k++;
            if (k - g != 3) break;
            grouped.Append(text, g, 3);
            i = k;
            groups++;
        }
        if (groups == 0) { output.Append(text, start, firstEnd - start); return firstEnd; }
        output.Append(grouped);
        return i;
    }

    // Where the digits after a separator at i start, or -1 when no separator is there.
    private static int NextGroupStart(string text, int i, bool allowPlainComma)
    {
        int j = i;
        while (j < text.Length && text[j] == ' ') j++;
        foreach (var sep in LatexSeparators)
        {
            if (string.CompareOrdinal(text, j, sep, 0, sep.Length) != 0) continue;
            int g = j + sep.Length;
            while (g < text.Length && text[g] == ' ') g++;
            return g;
        }
        return allowPlainComma && j == i && i < text.Length && text[i] == ',' ? i + 1 : -1;
    }
}
