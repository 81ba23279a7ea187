using System.Numerics;
using R1Sharp.Verify.Numbers;

namespace R1Sharp.Verify.Algebra;

/// <summary>
/// A number met while evaluating an answer: exact (a Gaussian rational re + im·i) while the arithmetic stays
/// rational and within the size budget, otherwise an approximate complex double. A value that overflowed,
/// underflowed or is undefined is <see cref="Unreliable"/>: it never makes two answers equal (policy rule 12).
/// </summary>
internal readonly record struct Value
{
    public bool IsExact { get; private init; }
    public BigRational Re { get; private init; }
    public BigRational Im { get; private init; }
    public Complex Approx { get; private init; }
    public bool Unreliable { get; private init; }

    public static Value Exact(BigRational re) => new() { IsExact = true, Re = re, Im = BigRational.Zero, Approx = re.ToDouble() };
    public static Value Exact(BigRational re, BigRational im) => new() { IsExact = true, Re = re, Im = im, Approx = new Complex(re.ToDouble(), im.ToDouble()) };
    public static Value Approximate(Complex z)
    {
        bool bad = double.IsNaN(z.Real) || double.IsNaN(z.Imaginary) || double.IsInfinity(z.Real) || double.IsInfinity(z.Imaginary);
        return new() { IsExact = false, Approx = z, Unreliable = bad };
    }
    public static Value Undefined { get; } = new() { IsExact = false, Approx = Complex.NaN, Unreliable = true };

    public bool IsReal => IsExact ? Im.IsZero : Math.Abs(Approx.Imaginary) <= 1e-12 * Math.Max(1, Math.Abs(Approx.Real));
    public bool IsExactZero => IsExact && Re.IsZero && Im.IsZero;
    public bool IsExactRational => IsExact && Im.IsZero;

    /// <summary>Marks a value as not to be trusted for equality (overflow, underflow, domain error).</summary>
    public Value AsUnreliable() => this with { Unreliable = true };

    public long BitSize => IsExact ? Re.BitSize + Im.BitSize : 0;

    public override string ToString() => IsExact ? (Im.IsZero ? Re.ToString() : $"{Re}+{Im}i") : Approx.ToString();
}
