using System.Globalization;
using System.Numerics;

namespace R1Sharp.Verify.Numbers;

/// <summary>
/// An exact rational number p/q (q &gt; 0, gcd(p, q) = 1) on <see cref="BigInteger"/>. Numbers in answers are
/// compared exactly (policy rule 2): no float tolerance, so 1/2^99 and 1/2^98 stay different.
/// </summary>
internal readonly struct BigRational : IEquatable<BigRational>, IComparable<BigRational>
{
    public BigInteger Numerator { get; }
    public BigInteger Denominator { get; }

    public static readonly BigRational Zero = new(BigInteger.Zero, BigInteger.One);
    public static readonly BigRational One = new(BigInteger.One, BigInteger.One);

    // Callers guarantee lowest terms and a positive denominator (see Create).
    private BigRational(BigInteger numerator, BigInteger denominator)
    {
        Numerator = numerator;
        Denominator = denominator;
    }

    public BigRational(BigInteger numerator) : this(numerator, BigInteger.One) { }

    /// <summary>Builds p/q in lowest terms; q must not be zero.</summary>
    public static BigRational Create(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero) throw new DivideByZeroException();
        if (denominator.Sign < 0) { numerator = -numerator; denominator = -denominator; }
        var g = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!g.IsOne && !g.IsZero) { numerator /= g; denominator /= g; }
        if (numerator.IsZero) denominator = BigInteger.One;
        return new BigRational(numerator, denominator);
    }

    public bool IsZero => Numerator.IsZero;
    public bool IsInteger => Denominator.IsOne;
    public int Sign => Numerator.Sign;

    /// <summary>Bits of numerator plus denominator: the size the arithmetic budget limits.</summary>
    public long BitSize => (long)Numerator.GetBitLength() + (long)Denominator.GetBitLength();

    public static BigRational operator +(BigRational a, BigRational b) =>
        a.Denominator == b.Denominator
            ? Create(a.Numerator + b.Numerator, a.Denominator)
            : Create(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);
    public static BigRational operator -(BigRational a, BigRational b) => a + (-b);
    public static BigRational operator -(BigRational a) => new(-a.Numerator, a.Denominator);
    public static BigRational operator *(BigRational a, BigRational b) => Create(a.Numerator * b.Numerator, a.Denominator * b.Denominator);
    public static BigRational operator /(BigRational a, BigRational b) => Create(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    /// <summary>Integer power; the caller checks the result size first (see <see cref="EstimatePowerBits"/>).</summary>
    public BigRational Pow(int exponent)
    {
        if (exponent == 0) return One;
        if (exponent < 0) return One / Pow(-exponent);
        return new BigRational(BigInteger.Pow(Numerator, exponent), BigInteger.Pow(Denominator, exponent));
    }

    /// <summary>Approximate bit size of this value raised to <paramref name="exponent"/>, without computing it.</summary>
    public double EstimatePowerBits(BigInteger exponent) => (double)BigInteger.Abs(exponent) * Math.Max(1, BitSize);

    /// <summary>Exact n-th root when both parts are perfect n-th powers (n &gt;= 2), else null.</summary>
    public BigRational? ExactRoot(int n)
    {
        if (Sign < 0 && n % 2 == 0) return null;
        var num = IntegerRoot(BigInteger.Abs(Numerator), n);
        var den = IntegerRoot(Denominator, n);
        if (num is null || den is null) return null;
        return Create(Sign < 0 ? -num.Value : num.Value, den.Value);
    }

    private static BigInteger? IntegerRoot(BigInteger value, int n)
    {
        if (value.IsZero || value.IsOne) return value;
        double approx = Math.Exp(BigInteger.Log(value) / n);
        var guess = new BigInteger(Math.Round(approx));
        for (var candidate = guess - 2; candidate <= guess + 2; candidate++)
            if (candidate.Sign > 0 && BigInteger.Pow(candidate, n) == value) return candidate;
        if (value.GetBitLength() < 900) return null;
        // Above double precision: Newton iteration on integers.
        var x = guess;
        for (int i = 0; i < 200; i++)
        {
            var next = ((n - 1) * x + value / BigInteger.Pow(x, n - 1)) / n;
            if (BigInteger.Abs(next - x) <= 1) { x = next; break; }
            x = next;
        }
        for (var candidate = x - 2; candidate <= x + 2; candidate++)
            if (candidate.Sign > 0 && BigInteger.Pow(candidate, n) == value) return candidate;
        return null;
    }

    public double ToDouble()
    {
        double n = (double)Numerator, d = (double)Denominator;
        if (!double.IsInfinity(n) && !double.IsInfinity(d)) return n / d;
        // Both huge: scale by logs so that the ratio survives.
        double log = BigInteger.Log(BigInteger.Abs(Numerator)) - BigInteger.Log(Denominator);
        return Sign * Math.Exp(log);
    }

    /// <summary>Natural log of |value| (for magnitude comparisons of huge values); -inf for zero.</summary>
    public double LogAbs() => IsZero ? double.NegativeInfinity : BigInteger.Log(BigInteger.Abs(Numerator)) - BigInteger.Log(Denominator);

    /// <summary>This value rounded half-up (away from zero on ties) to <paramref name="decimals"/> places, as a rational.</summary>
    public BigRational RoundHalfUp(int decimals)
    {
        var scale = BigInteger.Pow(10, decimals);
        var scaled = BigInteger.Abs(Numerator) * scale * 2 + Denominator;
        var rounded = scaled / (Denominator * 2);
        return Create(Sign < 0 ? -rounded : rounded, scale);
    }

    public int CompareTo(BigRational other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);
    public bool Equals(BigRational other) => Numerator == other.Numerator && Denominator == other.Denominator;
    public override bool Equals(object? obj) => obj is BigRational other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);
    public static bool operator ==(BigRational a, BigRational b) => a.Equals(b);
    public static bool operator !=(BigRational a, BigRational b) => !a.Equals(b);
    public static bool operator <(BigRational a, BigRational b) => a.CompareTo(b) < 0;
    public static bool operator >(BigRational a, BigRational b) => a.CompareTo(b) > 0;

    public override string ToString() =>
        IsInteger ? Numerator.ToString(CultureInfo.InvariantCulture)
                  : Numerator.ToString(CultureInfo.InvariantCulture) + "/" + Denominator.ToString(CultureInfo.InvariantCulture);
}
