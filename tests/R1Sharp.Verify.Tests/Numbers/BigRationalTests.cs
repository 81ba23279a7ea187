using System.Numerics;
using R1Sharp.Verify.Numbers;

namespace R1Sharp.Verify.Tests.Numbers;

public class BigRationalTests
{
    [Fact]
    public void Is_kept_in_lowest_terms_with_a_positive_denominator()
    {
        var r = BigRational.Create(6, -4);
        Assert.Equal(new BigInteger(-3), r.Numerator);
        Assert.Equal(new BigInteger(2), r.Denominator);
    }

    [Fact]
    public void Arithmetic_is_exact()
    {
        var third = BigRational.Create(1, 3);
        Assert.Equal(BigRational.One, third + third + third);
        Assert.Equal(BigRational.Create(1, 9), third * third);
        Assert.Equal(new BigRational(3), BigRational.One / third);
    }

    [Fact]
    public void Tiny_powers_of_two_stay_different()
    {
        var half = BigRational.Create(1, 2);
        Assert.NotEqual(half.Pow(99), half.Pow(98));
        Assert.Equal(half.Pow(98), half.Pow(99) * new BigRational(2));
    }

    [Theory]
    [InlineData(1, 3, 2, "33/100")]
    [InlineData(2, 3, 2, "67/100")]
    [InlineData(1, 8, 2, "13/100")]
    [InlineData(-1, 8, 2, "-13/100")]
    public void Rounds_half_up(int p, int q, int decimals, string expected) =>
        Assert.Equal(expected, BigRational.Create(p, q).RoundHalfUp(decimals).ToString());

    [Theory]
    [InlineData(16, 1, 2, "4")]
    [InlineData(-27, 8, 3, "-3/2")]
    public void Exact_roots_of_perfect_powers(int p, int q, int n, string expected) =>
        Assert.Equal(expected, BigRational.Create(p, q).ExactRoot(n)?.ToString());

    [Fact]
    public void No_exact_root_of_a_non_power() => Assert.Null(new BigRational(2).ExactRoot(2));

    [Theory]
    [InlineData("025", "25", 0)]
    [InlineData(".4", "2/5", 1)]
    [InlineData("1.50", "3/2", 2)]
    [InlineData("1.5e3", "1500", 0)]
    [InlineData("2.5E-2", "1/40", 3)]
    public void Reads_literals_exactly(string text, string value, int decimals)
    {
        Assert.True(NumberLiteral.TryParse(text, out var v, out int d, out _));
        Assert.Equal(value, v.ToString());
        Assert.Equal(decimals, d);
    }
}
