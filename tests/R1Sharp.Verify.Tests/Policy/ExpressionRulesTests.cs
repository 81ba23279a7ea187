namespace R1Sharp.Verify.Tests.Policy;

/// <summary>Rule 10: symbolic expressions, radicals, π, complex numbers.</summary>
public class ExpressionRulesTests
{
    [Theory]
    [InlineData("x^2-1", "(x-1)(x+1)")]
    [InlineData("\\frac{x+2}{7}", "\\frac{x}{7}+\\frac{2}{7}")]
    [InlineData("\\tan^2(y)+1", "\\sec^2(y)")]
    [InlineData("\\sqrt{1/n}", "1/\\sqrt{n}")]
    [InlineData("3\\sqrt{13}", "\\sqrt{117}")]
    [InlineData("\\frac{\\sqrt{3}}{3}", "\\frac{1}{\\sqrt{3}}")]
    [InlineData("\\frac{9}{4}\\pi", "\\frac94\\pi")]
    [InlineData("\\sqrt{2}+\\sqrt{5}", "\\sqrt 2+\\sqrt 5")]
    [InlineData("2 \\sin b \\cos a", "2\\cos(a)\\sin(b)")]
    [InlineData("\\frac{\\pi r}{h+r}", "\\frac{r\\pi}{r+h}")]
    [InlineData("2-2p", "-2p+2")]
    [InlineData("3+4i", "4i+3")]
    [InlineData("\\frac{1}{1+i}", "\\frac{1-i}{2}")]
    [InlineData("e^{2}", "\\exp(2)")]
    [InlineData("\\log_2 8", "3")]
    [InlineData("\\binom{5}{2}", "10")]
    [InlineData("5!", "120")]
    [InlineData("\\sqrt[3]{-8}", "-2")]
    [InlineData("204_5", "204_{5}")]
    [InlineData("1024", "2^10")]
    [InlineData("x^2+1", "x²+1")]
    [InlineData("2\\sqrt{3}", "2√3")]
    [InlineData("\\frac{3}{2}\\pi", "3π/2")]
    [InlineData("x", "\\sqrt{x^2}")]
    [InlineData("x", "|x|")]
    [InlineData("\\frac{x^2-1}{x-1}", "x+1")]
    [InlineData("a_{12}", "a_12")]
    [InlineData("\\frac{1}{2}", "\\frac12")]
    public void Equal_expressions_match(string gold, string predicted) => Assert.True(MathVerifier.AreEquivalent(gold, predicted));

    [Theory]
    [InlineData("x^2-1", "(x-1)^2")]
    [InlineData("1 - \\frac{1}{e}", "1 + \\frac{1}{e}")]
    [InlineData("x+2n+1", "x+1")]
    [InlineData("4", "4\\sqrt(2)")]
    [InlineData("4\\sqrt{2}", "4")]
    [InlineData("2", "\\frac{1+\\sqrt{5}}{2}")]
    [InlineData("3+4i", "3-4i")]
    [InlineData("f(x)", "f(y)")]
    [InlineData("\\sqrt{2}", "1.4142135")]
    public void Different_expressions_do_not_match(string gold, string predicted) => Assert.False(MathVerifier.AreEquivalent(gold, predicted));
}
