using R1Sharp.Verify.Algebra;
using R1Sharp.Verify.Numbers;
using R1Sharp.Verify.Parsing;

namespace R1Sharp.Verify.Comparison;

/// <summary>
/// Policy rule 3: a decimal answer exactly equal to the gold is right; an inexact one only when written with at
/// least <see cref="MinimumSignificantDigits"/> significant digits and equal to the gold correctly rounded
/// (half-up) at its last digit.
/// </summary>
internal static class DecimalRule
{
    public const int MinimumSignificantDigits = 6;

    /// <summary>The literal when <paramref name="node"/> is a bare (possibly negated) decimal, else null.</summary>
    public static (BigRational Value, NumberNode Literal)? AsDecimal(Node node) => node switch
    {
        NumberNode { IsDecimal: true } n => (n.Value, n),
        NegateNode { Operand: NumberNode { IsDecimal: true } n } => (-n.Value, n),
        _ => null,
    };

    public static bool Accepts(Value gold, BigRational written, NumberNode literal)
    {
        if (gold.Unreliable || !gold.IsReal) return false;
        if (gold.IsExact && gold.Re == written) return true;
        if (literal.SignificantDigits < MinimumSignificantDigits) return false;
        if (gold.IsExact) return gold.Re.RoundHalfUp(literal.Decimals) == written;
        // Irrational gold: the written value must be the rounding of it, i.e. gold in [w - u/2, w + u/2).
        double g = gold.Approx.Real;
        double w = written.ToDouble();
        double half = 0.5 * Math.Pow(10, -literal.Decimals);
        double slack = Math.Abs(g) * 4e-16;
        return g >= w - half - slack && g < w + half + slack;
    }
}
