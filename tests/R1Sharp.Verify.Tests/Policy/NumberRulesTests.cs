namespace R1Sharp.Verify.Tests.Policy;

/// <summary>Rules 2-5: exact numbers, decimals, percent, units.</summary>
public class NumberRulesTests
{
    [Theory]
    [InlineData("1234", "1,234")]
    [InlineData("1234", "1{,}234")]
    [InlineData("1234", "1\\,234")]
    [InlineData("1234", "1,\\!234")]
    [InlineData("25", "025")]
    [InlineData("\\frac{1}{2}", "0.5")]
    [InlineData("\\frac{1}{2}", "\\dfrac{1}{2}")]
    [InlineData("\\frac{1}{2}", "\\tfrac12")]
    [InlineData("\\frac{1}{2}", "1/2")]
    [InlineData("\\frac{3}{2}", "1\\frac12")]
    [InlineData("\\frac{3}{2}", "1\\frac{1}{2}")]
    [InlineData("1500", "1.5\\times 10^{3}")]
    [InlineData("1500", "1.5e3")]
    [InlineData("\\frac{1}{3}", "0.\\overline{3}")]
    [InlineData("-5", "-5")]
    [InlineData("10", "10.000")]
    public void Equal_numbers_match(string gold, string predicted) => Assert.True(MathVerifier.AreEquivalent(gold, predicted));

    [Theory]
    [InlineData("\\frac{1}{2^{99}}", "\\frac{1}{2^{98}}")]
    [InlineData("1234", "1,23,4")]
    [InlineData("1.22", "1,22")]
    [InlineData("32349", "32, 349")]
    [InlineData("2", "2.0000000001")]
    [InlineData("100000000000000000001", "100000000000000000000")]
    public void Different_numbers_do_not_match(string gold, string predicted) => Assert.False(MathVerifier.AreEquivalent(gold, predicted));

    [Theory]
    [InlineData("\\frac{1}{3}", "0.333333", true)]
    [InlineData("\\frac{2}{3}", "0.666667", true)]
    [InlineData("\\frac{2}{3}", "0.666666", false)]
    [InlineData("\\frac{1}{3}", "0.33", false)]
    [InlineData("\\frac{1}{3}", "0.33333", false)]
    [InlineData("\\sqrt{2}", "1.414214", true)]
    [InlineData("\\sqrt{2}", "1.41421", true)]
    [InlineData("\\sqrt{2}", "1.41422", false)]
    [InlineData("\\sqrt{2}", "1.4142", false)]
    [InlineData("\\pi", "3.141593", true)]
    [InlineData("\\pi", "3.14", false)]
    [InlineData("0.33", "\\frac{1}{3}", false)]
    [InlineData("\\frac{1}{12}", "0.0833333333333333", true)]
    public void Inexact_decimals_follow_rule_3(string gold, string predicted, bool expected) =>
        Assert.Equal(expected, MathVerifier.AreEquivalent(gold, predicted));

    [Theory]
    [InlineData("28\\%", "28", true)]
    [InlineData("28\\%", "28\\%", true)]
    [InlineData("28\\%", "28 percent", true)]
    [InlineData("28\\%", "0.28", false)]
    [InlineData("28", "28", true)]
    [InlineData("28", "28\\%", false)]
    public void Percent_follows_rule_4(string gold, string predicted, bool expected) =>
        Assert.Equal(expected, MathVerifier.AreEquivalent(gold, predicted));

    [Theory]
    [InlineData("90^\\circ", "90", true)]
    [InlineData("90", "90^{\\circ}", true)]
    [InlineData("90^\\circ", "90°", true)]
    [InlineData("90^\\circ", "\\frac{\\pi}{2}", false)]
    [InlineData("15\\mbox{ cm}^2", "15", true)]
    [InlineData("125 miles", "125\\text{ miles}", true)]
    [InlineData("\\$18", "18", true)]
    [InlineData("18", "\\$18.00", true)]
    public void Units_are_stripped_never_converted(string gold, string predicted, bool expected) =>
        Assert.Equal(expected, MathVerifier.AreEquivalent(gold, predicted));
}
