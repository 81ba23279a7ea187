using System.Numerics;
using R1Sharp.Verify.Numbers;
using R1Sharp.Verify.Parsing;

namespace R1Sharp.Verify.Algebra;

/// <summary>
/// Policy rule 12 for powers too large to expand: b^e with an integer base and an exact exponent is rewritten as
/// r^(k·e) where b = r^k and r is not itself a perfect power. Two such values are equal exactly when r and k·e
/// agree, so 2^{100000} = 4^{50000} is decided without computing either.
/// </summary>
internal static class LargePowers
{
    private const int MaxBaseBits = 64;

    public static bool? AreEqual(Node a, Node b, Evaluator evaluator)
    {
        var fa = Reduce(a, evaluator);
        var fb = Reduce(b, evaluator);
        if (fa is null || fb is null) return null;
        return fa.Value.Negative == fb.Value.Negative && fa.Value.Root == fb.Value.Root && fa.Value.Exponent == fb.Value.Exponent;
    }

    private static (bool Negative, BigInteger Root, BigRational Exponent)? Reduce(Node node, Evaluator evaluator)
    {
        bool negative = false;
        if (node is NegateNode { Operand: var inner }) { negative = true; node = inner; }
        if (node is not PowerNode power) return null;
        var baseValue = evaluator.Evaluate(power.Base);
        var exponent = evaluator.Evaluate(power.Exponent);
        if (!baseValue.IsExactRational || !exponent.IsExactRational || !baseValue.Re.IsInteger) return null;
        var b = baseValue.Re.Numerator;
        if (b < 2 || b.GetBitLength() > MaxBaseBits) return null;
        var (root, k) = PerfectPowerRoot(b);
        return (negative, root, exponent.Re * new BigRational(k));
    }

    // The smallest r with b = r^k, and that k.
    private static (BigInteger Root, int K) PerfectPowerRoot(BigInteger b)
    {
        for (int k = (int)b.GetBitLength(); k >= 2; k--)
        {
            var root = new BigRational(b).ExactRoot(k);
            if (root is not null && root.Value.Numerator > 1) return (root.Value.Numerator, k);
        }
        return (b, 1);
    }
}
