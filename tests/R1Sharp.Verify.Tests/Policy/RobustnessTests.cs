namespace R1Sharp.Verify.Tests.Policy;

/// <summary>Rule 12 and the robustness requirements: huge values, malformed input, threads, determinism.</summary>
public class RobustnessTests
{
    [Theory]
    [InlineData("5^{5^{5^{5^5}}}", "3")]
    [InlineData("3", "5^{5^{5^{5^5}}}")]
    [InlineData("10^{10^{10}}", "10^{10^{10}} + 1")]
    [InlineData("2^{-100000}", "3^{-100000}")]
    [InlineData("2^{100000}", "3^{100000}")]
    [InlineData("100000!", "100001!")]
    [InlineData("9^{9^{9}}", "0")]
    public void Huge_values_are_never_equal_by_overflow(string gold, string predicted) =>
        Assert.False(MathVerifier.AreEquivalent(gold, predicted));

    [Theory]
    [InlineData("2^{100000}", "4^{50000}")]
    [InlineData("8^{100000}", "2^{300000}")]
    [InlineData("10^{10^{10}}", "100^{5 \\cdot 10^{9}}")]
    [InlineData("-27^{40000}", "-3^{120000}")]
    public void Huge_powers_written_differently_are_decided_exactly(string gold, string predicted) =>
        Assert.True(MathVerifier.AreEquivalent(gold, predicted));

    [Theory]
    [InlineData("2^{100000}", "4^{50001}")]
    [InlineData("2^{100000}", "-4^{50000}")]
    [InlineData("6^{100000}", "2^{100000}")]
    public void Huge_powers_that_differ_stay_different(string gold, string predicted) =>
        Assert.False(MathVerifier.AreEquivalent(gold, predicted));

    [Fact]
    public void Identical_towers_are_equal_without_expansion() =>
        Assert.True(MathVerifier.AreEquivalent("5^{5^{5^{5^5}}}", "5^{5^{5^{5^{5}}}}"));

    [Fact]
    public void A_spent_time_budget_answers_not_equal_and_says_why()
    {
        // Deterministic: a zero budget is spent before the first poll, so the check must stop, not guess.
        var options = new VerifyOptions { TimeBudget = TimeSpan.Zero };
        var result = MathVerifier.Verify("x^2-1", "\\boxed{(x-1)(x+1)}", options);
        Assert.False(result.Correct);
        Assert.Equal("check exceeded its time budget", result.Error);
        Assert.True(MathVerifier.Verify("x^2-1", "\\boxed{(x-1)(x+1)}").Correct);
    }

    [Theory]
    [InlineData("\\frac{1}{")]
    [InlineData("}}}{{{")]
    [InlineData("\\begin{pmatrix} 1 & 2")]
    [InlineData("((((((((((((((((((((((((((((((((((((((((((1")]
    [InlineData("\\left( \\right")]
    [InlineData("^^^___")]
    [InlineData("\\sqrt[")]
    [InlineData("1/0")]
    [InlineData("0^0")]
    [InlineData("\\log(0)")]
    public void Malformed_answers_do_not_throw_and_do_not_match(string predicted)
    {
        Assert.False(MathVerifier.AreEquivalent("1", predicted));
        var result = MathVerifier.Verify("1", "\\boxed{" + predicted + "}");
        Assert.False(result.Correct);
    }

    [Fact]
    public void Deep_nesting_does_not_overflow_the_stack()
    {
        string deep = new string('(', 50_000) + "1" + new string(')', 50_000);
        Assert.False(MathVerifier.AreEquivalent("1", deep));
        string braces = new string('{', 50_000) + "1" + new string('}', 50_000);
        Assert.False(MathVerifier.Verify("1", "\\boxed{" + braces + "}").Correct);
    }

    [Fact]
    public void A_hundred_kilobytes_of_garbage_is_handled()
    {
        var random = new Random(7);
        const string alphabet = "\\{}()[]^_$0123456789abcxyz+-*/=,. \n<>&|!boxed";
        var chars = new char[100_000];
        for (int i = 0; i < chars.Length; i++) chars[i] = alphabet[random.Next(alphabet.Length)];
        string garbage = new(chars);
        var result = MathVerifier.Verify("42", garbage);
        Assert.False(result.Correct);
        Assert.False(MathVerifier.AreEquivalent("42", garbage));
    }

    [Fact]
    public void Verdicts_are_deterministic_and_thread_safe()
    {
        (string Gold, string Response)[] cases =
        [
            ("\\frac12", "\\boxed{0.5}"), ("x^2-1", "\\boxed{(x-1)(x+1)}"), ("5", "\\boxed{5 or 6}"),
            ("[0,1)", "\\boxed{[0,1]}"), ("\\sqrt2", "\\boxed{1.414214}"), ("3", "\\boxed{3}"),
        ];
        bool[] expected = cases.Select(c => MathVerifier.Verify(c.Gold, c.Response).Correct).ToArray();
        var mismatches = 0;
        Parallel.For(0, 400, i =>
        {
            var c = cases[i % cases.Length];
            if (MathVerifier.Verify(c.Gold, c.Response).Correct != expected[i % cases.Length]) Interlocked.Increment(ref mismatches);
        });
        Assert.Equal(0, mismatches);
        Assert.Equal([true, true, false, false, true, true], expected);
    }
}
