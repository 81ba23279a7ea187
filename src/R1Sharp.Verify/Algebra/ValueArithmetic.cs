using System.Numerics;
using R1Sharp.Verify.Numbers;

namespace R1Sharp.Verify.Algebra;

/// <summary>
/// Arithmetic on <see cref="Value"/>: exact while both operands are exact and the result fits the size budget,
/// approximate otherwise. Unreliability (overflow, domain errors) is contagious.
/// </summary>
internal static class ValueArithmetic
{
    public static Value Add(Value a, Value b, CheckBudget budget)
    {
        if (a.Unreliable || b.Unreliable) return Value.Undefined;
        if (a.IsExact && b.IsExact) return Fit(Value.Exact(a.Re + b.Re, a.Im + b.Im), budget);
        return Value.Approximate(a.Approx + b.Approx);
    }

    public static Value Negate(Value a) =>
        a.Unreliable ? a : a.IsExact ? Value.Exact(-a.Re, -a.Im) : Value.Approximate(-a.Approx);

    public static Value Multiply(Value a, Value b, CheckBudget budget)
    {
        if (a.Unreliable || b.Unreliable) return Value.Undefined;
        if (a.IsExactZero || b.IsExactZero) return Value.Exact(BigRational.Zero);
        if (a.IsExact && b.IsExact)
        {
            if (a.BitSize + b.BitSize > budget.MaxExactBits) return Approximate(a.Approx * b.Approx, a, b);
            return Value.Exact(a.Re * b.Re - a.Im * b.Im, a.Re * b.Im + a.Im * b.Re);
        }
        return Approximate(a.Approx * b.Approx, a, b);
    }

    public static Value Reciprocal(Value a)
    {
        if (a.Unreliable) return a;
        if (a.IsExact)
        {
            if (a.IsExactZero) return Value.Undefined;
            if (a.Im.IsZero) return Value.Exact(BigRational.One / a.Re);
            var norm = a.Re * a.Re + a.Im * a.Im;
            return Value.Exact(a.Re / norm, -a.Im / norm);
        }
        if (a.Approx == Complex.Zero) return Value.Undefined;
        return Value.Approximate(Complex.Reciprocal(a.Approx));
    }

    public static Value Power(Value b, Value e, CheckBudget budget)
    {
        if (b.Unreliable || e.Unreliable) return Value.Undefined;
        if (e.IsExactRational && b.IsExact)
        {
            var exponent = e.Re;
            if (exponent.IsZero) return b.IsExactZero ? Value.Undefined : Value.Exact(BigRational.One);
            if (b.IsExactZero) return exponent.Sign > 0 ? b : Value.Undefined;
            if (b.IsExactRational && b.Re == BigRational.One) return b;
            if (exponent.IsInteger) return IntegerPower(b, exponent.Numerator, budget);
            if (b.IsExactRational && exponent.Denominator <= 64)
            {
                var root = RealRoot(b.Re, (int)exponent.Denominator);
                if (root is not null) return IntegerPower(root.Value, exponent.Numerator, budget);
            }
        }
        return ApproximatePower(b, e);
    }

    private static Value IntegerPower(Value b, BigInteger exponent, CheckBudget budget)
    {
        if (b.IsExactRational)
        {
            double bits = b.Re.EstimatePowerBits(exponent);
            if (bits <= budget.MaxExactBits) return Value.Exact(b.Re.Pow((int)exponent));
            return MagnitudePower(b, (double)exponent);
        }
        if (BigInteger.Abs(exponent) > 4096) return MagnitudePower(b, (double)exponent);
        var result = Value.Exact(BigRational.One);
        var square = exponent.Sign < 0 ? Reciprocal(b) : b;
        var n = BigInteger.Abs(exponent);
        while (!n.IsZero)
        {
            if (!n.IsEven) result = Multiply(result, square, budget);
            n >>= 1;
            if (!n.IsZero) square = Multiply(square, square, budget);
        }
        return result;
    }

    // |b|^e too large (or small) to expand: approximate through logarithms; out of double range is unreliable.
    private static Value MagnitudePower(Value b, double exponent)
    {
        double logMagnitude = exponent * Math.Log(b.Approx.Magnitude);
        if (double.IsNaN(logMagnitude) || Math.Abs(logMagnitude) > 700) return Value.Undefined;
        return Value.Approximate(Complex.Pow(b.Approx, exponent));
    }

    private static Value? RealRoot(BigRational value, int n)
    {
        var root = value.ExactRoot(n);
        if (root is not null) return Value.Exact(root.Value);
        if (value.Sign < 0 && n == 2)
        {
            var positive = (-value).ExactRoot(2);
            if (positive is not null) return Value.Exact(BigRational.Zero, positive.Value);
        }
        return null;
    }

    private static Value ApproximatePower(Value b, Value e)
    {
        var z = b.Approx;
        var w = e.Approx;
        // Real odd roots of negative reals stay real: (-8)^(1/3) = -2, as written answers mean.
        if (b.IsReal && z.Real < 0 && e.IsExactRational && !e.Re.Denominator.IsEven)
        {
            double magnitude = Math.Pow(-z.Real, w.Real);
            bool odd = !e.Re.Numerator.IsEven;
            return Checked(odd ? -magnitude : magnitude);
        }
        if (b.IsReal && z.Real > 0 && e.IsReal) return Checked(Math.Pow(z.Real, w.Real));
        if (z == Complex.Zero) return w.Real > 0 ? Value.Approximate(Complex.Zero) : Value.Undefined;
        return Checked(Complex.Pow(z, w));
    }

    public static Value Checked(Complex z)
    {
        var v = Value.Approximate(z);
        double m = z.Magnitude;
        return m > 1e300 || (m < 1e-300 && m != 0) ? v.AsUnreliable() : v;
    }

    private static Value Approximate(Complex z, Value a, Value b)
    {
        var v = Checked(z);
        // A product of non-zero values that rounds to 0 has underflowed: never let it equal anything.
        return z == Complex.Zero && !a.IsExactZero && !b.IsExactZero ? v.AsUnreliable() : v;
    }

    private static Value Fit(Value v, CheckBudget budget) =>
        v.BitSize > budget.MaxExactBits ? Checked(v.Approx) : v;
}
