using System.Text;

namespace R1Sharp.Verify.Numbers;

/// <summary>
/// Removes thousands separators (<c>,</c> <c>{,}</c> <c>\,</c> <c>,\!</c>) from digit runs, only where every group
/// after the first has exactly three digits and the first has one to three (policy rule 2). <c>1,22</c> and
/// <c>32, 349</c> are left alone: they are lists.
/// </summary>
internal static class ThousandsSeparators
{
    private static readonly string[] Separators = [",\\!", "{,}", "\\,", ","];

    public static string Remove(string text)
    {
        if (text.IndexOf(',') < 0 && !text.Contains("\\,", StringComparison.Ordinal)) return text;
        var output = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            bool runStart = char.IsAsciiDigit(text[i]) && (i == 0 || (!char.IsAsciiDigit(text[i - 1]) && text[i - 1] != '.'));
            if (!runStart) { output.Append(text[i++]); continue; }
            int end = ScanGroupedNumber(text, i, out var digits);
            output.Append(digits);
            i = end;
        }
        return output.ToString();
    }

    // Reads digits (sep digits{3})* from start; returns where it stopped and the digits without separators,
    // or the plain leading digit run when the grouping is not valid.
    private static int ScanGroupedNumber(string text, int start, out string digits)
    {
        int i = start;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        int firstEnd = i;
        if (firstEnd - start > 3) { digits = text[start..firstEnd]; return firstEnd; }
        var builder = new StringBuilder(text, start, firstEnd - start, 16);
        int groups = 0;
        while (true)
        {
            string? sep = Separators.FirstOrDefault(s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0);
            if (sep is null) break;
            int g = i + sep.Length;
            int k = g;
            while (k < text.Length && char.IsAsciiDigit(text[k])) k++;
            if (k - g != 3) break;
            builder.Append(text, g, 3);
            i = k;
            groups++;
        }
        if (groups == 0) { digits = text[start..firstEnd]; return firstEnd; }
        digits = builder.ToString();
        return i;
    }
}
