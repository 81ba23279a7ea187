using System.Globalization;
using System.Numerics;

namespace R1Sharp.Verify.Numbers;

/// <summary>Reads a written number (<c>025</c>, <c>.4</c>, <c>1.50</c>, <c>1.5e-3</c>) exactly, keeping how precise it was written.</summary>
internal static class NumberLiteral
{
    /// <summary>The exact value, decimal places and significant digits of a literal; false when it is not one.</summary>
    public static bool TryParse(string text, out BigRational value, out int decimals, out int significantDigits)
    {
        value = BigRational.Zero; decimals = 0; significantDigits = 0;
        int exponent = 0;
        int e = text.IndexOfAny(['e', 'E']);
        string mantissa = text;
        if (e >= 0)
        {
            if (!int.TryParse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) || Math.Abs(exponent) > 1000)
                return false;
            mantissa = text[..e];
        }
        int dot = mantissa.IndexOf('.');
        string whole = dot >= 0 ? mantissa[..dot] : mantissa;
        string fraction = dot >= 0 ? mantissa[(dot + 1)..] : "";
        if (whole.Length + fraction.Length == 0 || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit)) return false;
        string digits = (whole + fraction).TrimStart('0');
        significantDigits = digits.Length == 0 ? 1 : digits.Length;
        var integer = digits.Length == 0 ? BigInteger.Zero : BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        int scale = fraction.Length - exponent;
        decimals = Math.Max(0, scale);
        value = scale >= 0
            ? BigRational.Create(integer, BigInteger.Pow(10, scale))
            : new BigRational(integer * BigInteger.Pow(10, -scale));
        return true;
    }
}
