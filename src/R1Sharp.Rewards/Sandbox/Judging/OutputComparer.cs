using System.Globalization;

namespace R1Sharp.Rewards.Sandbox.Judging;

/// <summary>
/// Compares a program's output with the expected one token by token: any run of whitespace (spaces, tabs,
/// newlines, trailing blanks) counts as one separator, as most judges do. With a float tolerance, two tokens that
/// both parse as finite numbers also match when they differ by at most tolerance x max(1, |expected|)
/// (absolute for small values, relative for large ones; Codeforces' usual checker rule).
/// </summary>
public static class OutputComparer
{
    private static readonly char[] Whitespace = [' ', '\t', '\n', '\r', '\v', '\f'];

    /// <summary>True when the outputs match; otherwise <paramref name="difference"/> says where they first differ.</summary>
    public static bool Matches(string expected, string actual, double? floatTolerance, out string difference)
    {
        string[] want = expected.Split(Whitespace, StringSplitOptions.RemoveEmptyEntries);
        string[] got = actual.Split(Whitespace, StringSplitOptions.RemoveEmptyEntries);
        int common = Math.Min(want.Length, got.Length);
        for (int i = 0; i < common; i++)
        {
            if (!TokensMatch(want[i], got[i], floatTolerance))
            {
                difference = $"token {i + 1}: expected '{Shorten(want[i])}', got '{Shorten(got[i])}'";
                return false;
            }
        }
        if (want.Length != got.Length)
        {
            difference = $"expected {want.Length} tokens, got {got.Length}";
            return false;
        }
        difference = "";
        return true;
    }

    /// <summary>One token against another: equal text, or (with a tolerance) numbers close enough.</summary>
    public static bool TokensMatch(string expected, string actual, double? floatTolerance)
    {
        if (expected == actual)
            return true;
        if (floatTolerance is not double tolerance)
            return false;
        if (!double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out double e)
            || !double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
            || !double.IsFinite(e) || !double.IsFinite(a))
            return false;
        return Math.Abs(a - e) <= tolerance * Math.Max(1.0, Math.Abs(e));
    }

    private static string Shorten(string token) => token.Length <= 40 ? token : token[..37] + "...";
}
