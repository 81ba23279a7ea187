using System.Numerics;
using R1Sharp.Verify.Algebra;

namespace R1Sharp.Verify.Comparison;

/// <summary>
/// Equality of two evaluated values: exact when both are exact (rule 2); otherwise the values are irrational
/// closed forms computed in double precision and must agree to 1e-10 relative. Unreliable values are never equal (rule 12).
/// </summary>
internal static class ValueEquality
{
    public const double RelativeTolerance = 1e-10;

    public static bool AreEqual(Value a, Value b)
    {
        if (a.Unreliable || b.Unreliable) return false;
        if (a.IsExact && b.IsExact) return a.Re == b.Re && a.Im == b.Im;
        return Close(a.Approx, b.Approx);
    }

    public static bool Close(Complex a, Complex b)
    {
        double scale = Math.Max(a.Magnitude, b.Magnitude);
        return (a - b).Magnitude <= RelativeTolerance * scale + 1e-14;
    }
}
