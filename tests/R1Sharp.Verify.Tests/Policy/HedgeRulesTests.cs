namespace R1Sharp.Verify.Tests.Policy;

/// <summary>Rules 1 and 11: hedged, empty or vacuous answers are wrong; Math-Verify's reported pitfalls.</summary>
public class HedgeRulesTests
{
    [Theory]
    [InlineData("5", "The answer is 5 or 6.")]
    [InlineData("5", "\\boxed{5, 6}")]
    [InlineData("5", "\\boxed{4, 5, 6, 7, 8}")]
    [InlineData("5", "\\boxed{\\{5, 6\\}}")]
    [InlineData("5", "\\boxed{5 \\pm 1}")]
    [InlineData("5", "\\boxed{[4, 6]}")]
    [InlineData("5", "\\boxed{x}")]
    [InlineData("5", "\\boxed{x + 5}")]
    [InlineData("5", "\\boxed{}")]
    [InlineData("5", "\\boxed{5")]
    [InlineData("5", "\\boxed{x = 6 = 5}")]
    [InlineData("x = 5", "\\boxed{x = 4 + 2 = 5}")]
    [InlineData("5", "")]
    [InlineData("5", "\\boxed{\\text{I don't know}}")]
    [InlineData("5", "\\boxed{\\text{What is the value of } 2+3 \\text{?}}")]
    public void Hedges_are_wrong(string gold, string response) => Assert.False(MathVerifier.Verify(gold, response).Correct);

    [Theory]
    [InlineData("0", "\\forall x>0, f(x)=0", "f(x)=0")]
    [InlineData("x = 1", "y = 2", "x = 2")]
    public void Math_verify_false_accepts_are_rejected(string _, string gold, string predicted) =>
        Assert.False(MathVerifier.AreEquivalent(gold, predicted));

    [Fact]
    public void Equations_without_delimiters_are_not_all_equal()
    {
        Assert.False(MathVerifier.AreEquivalent("x = 5", "x = 6"));
        Assert.False(MathVerifier.AreEquivalent("a = 1", "b = 1"));
    }

    [Theory]
    [InlineData("73", "**73**")]
    [InlineData("73", "The final answer is **73**.")]
    [InlineData("13", "\\boxed{\\text{13}}")]
    [InlineData("\\frac{9.5}{\\pi}", "\\boxed{\\frac{9.5}{\\pi} ≈ 3.02}")]
    [InlineData("\\frac{1}{\\sqrt{n}}", "\\boxed{\\sqrt{1/n}}")]
    public void Math_verify_false_rejects_are_accepted(string gold, string response) =>
        Assert.True(MathVerifier.Verify(gold, response).Correct);

    [Theory]
    [InlineData("\\frac12", "0.5", true)]
    [InlineData("x^2-1", "(x-1)(x+1)", true)]
    [InlineData("\\{1,2\\}", "2, 1", true)]
    [InlineData("28\\%", "28", false)]
    [InlineData("\\frac13", "0.333333", false)]
    [InlineData("5", "6", false)]
    public void Same_answer_is_symmetric(string first, string second, bool expected)
    {
        Assert.Equal(expected, MathVerifier.AreSameAnswer(first, second));
        Assert.Equal(expected, MathVerifier.AreSameAnswer(second, first));
    }

    [Fact]
    public void Verify_reports_what_it_extracted()
    {
        var result = MathVerifier.Verify("\\frac12", "<think>hmm \\boxed{1}</think> so \\boxed{0.5}");
        Assert.True(result.Correct);
        Assert.Equal("0.5", result.Extracted);
        Assert.Null(result.Error);
    }

    [Fact]
    public void Verify_reads_the_gold_from_a_reference_solution()
    {
        Assert.True(MathVerifier.Verify("so $x = \\boxed{\\frac{3}{4}}$.", "\\boxed{0.75}").Correct);
    }

    [Fact]
    public void No_answer_is_reported_as_an_error()
    {
        var result = MathVerifier.Verify("5", "I could not finish this problem in time, sorry.");
        Assert.False(result.Correct);
        Assert.Null(result.Extracted);
        Assert.NotNull(result.Error);
    }
}
