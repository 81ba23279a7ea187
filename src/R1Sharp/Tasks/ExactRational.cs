using System.Numerics;

namespace R1Sharp.Tasks;

/// <summary>An exact fraction, always reduced with a positive denominator, so that task answers are checked without rounding (6/4 equals 3/2 exactly).</summary>
public readonly record struct ExactRational
{
    /// <summary>Numerator (carries the sign).</summary>
    public BigInteger Numerator { get; }

    /// <summary>Denominator, always ≥ 1.</summary>
    public BigInteger Denominator { get; }

    /// <summary>Creates numerator/denominator, reduced.</summary>
    /// <exception cref="DivideByZeroException">The denominator is 0.</exception>
    public ExactRational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero) throw new DivideByZeroException("Division by zero.");
        if (denominator.Sign < 0) { numerator = -numerator; denominator = -denominator; }
        var gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!gcd.IsZero && !gcd.IsOne) { numerator /= gcd; denominator /= gcd; }
        Numerator = numerator;
        Denominator = denominator;
    }

    /// <summary>An integer value.</summary>
    public static ExactRational FromInteger(BigInteger value) => new(value, BigInteger.One);

    /// <summary>True when the value is a whole number.</summary>
    public bool IsInteger => Denominator.IsOne;

    /// <summary>Sum.</summary>
    public static ExactRational operator +(ExactRational a, ExactRational b) =>
        new(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    /// <summary>Difference.</summary>
    public static ExactRational operator -(ExactRational a, ExactRational b) =>
        new(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    /// <summary>Product.</summary>
    public static ExactRational operator *(ExactRational a, ExactRational b) =>
        new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    /// <summary>Quotient; throws <see cref="DivideByZeroException"/> when <paramref name="b"/> is 0.</summary>
    public static ExactRational operator /(ExactRational a, ExactRational b) =>
        new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    /// <summary>Negation.</summary>
    public static ExactRational operator -(ExactRational a) => new(-a.Numerator, a.Denominator);

    /// <inheritdoc />
    public override string ToString() => IsInteger ? Numerator.ToString() : $"{Numerator}/{Denominator}";
}
