namespace R1Sharp.Verify.Tests.Policy;

/// <summary>Rules 6-9: text, choices, sets, tuples, intervals, equations, matrices.</summary>
public class StructureRulesTests
{
    [Theory]
    [InlineData("\\text{Evelyn}", "evelyn", true)]
    [InlineData("\\text{odd}", "\\textbf{Odd}", true)]
    [InlineData("\\text{odd}", "not odd", false)]
    [InlineData("\\text{13}", "13", true)]
    [InlineData("13", "\\text{13}", true)]
    public void Text_answers_follow_rule_6(string gold, string predicted, bool expected) =>
        Assert.Equal(expected, MathVerifier.AreEquivalent(gold, predicted));

    [Theory]
    [InlineData("B", "(B)", true)]
    [InlineData("(B)", "B", true)]
    [InlineData("B", "\\text{(B)}", true)]
    [InlineData("B", "\\textbf{(B)}", true)]
    [InlineData("B", "C", false)]
    [InlineData("B", "B, C", false)]
    [InlineData("B", "BC", false)]
    public void Choices_are_exactly_one_letter(string gold, string predicted, bool expected) =>
        Assert.Equal(expected, MathVerifier.AreEquivalent(gold, predicted));

    [Theory]
    [InlineData("\\{1, 2\\}", "\\{2, 1\\}", true)]
    [InlineData("1, 2, 3", "3, 1, 2", true)]
    [InlineData("-2, 1", "\\{1, -2\\}", true)]
    [InlineData("(1, 2)", "(1, 2)", true)]
    [InlineData("(1, 2)", "(2, 1)", false)]
    [InlineData("\\{1, 3\\}", "(1, 3)", false)]
    [InlineData("(1, 3)", "\\{1, 3\\}", false)]
    [InlineData("1, 2", "1, 2, 3", false)]
    [InlineData("1 \\pm \\sqrt{19}", "1 + \\sqrt{19}, 1 - \\sqrt{19}", true)]
    [InlineData("\\{1 \\pm \\sqrt{5}, -2\\}", "-2, 1+\\sqrt5, 1-\\sqrt5", true)]
    [InlineData("\\left( 3, \\frac{\\pi}{2} \\right)", "(3, \\pi/2)", true)]
    [InlineData("(1, \\frac{9}{2})", "(1, 4.5)", true)]
    [InlineData("\\{1, 2\\}", "x \\in \\{2, 1\\}", true)]
    [InlineData("2, 3", "x = 2 \\text{ or } x = 3", true)]
    [InlineData("2, 3", "x = 2, 4", false)]
    [InlineData("\\pm 2", "2, -2", true)]
    [InlineData("x = \\pm 2", "-2, 2", true)]
    [InlineData("\\pm 2", "2", false)]
    public void Sets_and_tuples_follow_rule_7(string gold, string predicted, bool expected) =>
        Assert.Equal(expected, MathVerifier.AreEquivalent(gold, predicted));

    [Theory]
    [InlineData("[0, 1)", "[0,1)", true)]
    [InlineData("[0, 1)", "(0, 1)", false)]
    [InlineData("[0, 1)", "[0, 1]", false)]
    [InlineData("(-\\infty, 2) \\cup (3, \\infty)", "(3, \\infty) \\cup (-\\infty, 2)", true)]
    [InlineData("(-\\infty, 2) \\cup (3, \\infty)", "(-\\infty, 2) \\cup [3, \\infty)", false)]
    [InlineData("[-2, 7]", "x \\in [-2, 7]", true)]
    [InlineData("[-2, 7]", "-2 \\le x \\le 7", true)]
    [InlineData("x \\geq 5", "[5, \\infty)", true)]
    [InlineData("x > 5", "x < 5", false)]
    [InlineData("x < 1", "-x > -1", true)]
    [InlineData("(-\\infty, \\infty)", "\\mathbb{R}", true)]
    [InlineData("x \\neq 3", "(-\\infty, 3) \\cup (3, \\infty)", true)]
    [InlineData("|x| < 3", "(-3, 3)", true)]
    [InlineData("|x| \\ge 2", "(-\\infty, -2] \\cup [2, \\infty)", true)]
    [InlineData("1 \\le |z| \\le \\frac32", "[-\\frac32, -1] \\cup [1, \\frac32]", true)]
    [InlineData("|x| < 3", "(0, 3)", false)]
    [InlineData("[-1, -\\frac{1}{2}) \\cup (0, 1)", "[-1, -\\tfrac12) \\cup (0, 1)", true)]
    public void Intervals_follow_rule_8(string gold, string predicted, bool expected) =>
        Assert.Equal(expected, MathVerifier.AreEquivalent(gold, predicted));

    [Theory]
    [InlineData("5", "x = 5", true)]
    [InlineData("x = 5", "5", true)]
    [InlineData("k = \\frac{1}{3}", "\\frac13", true)]
    [InlineData("(p, q) = (3, 2)", "(3, 2)", true)]
    [InlineData("x = 11", "x = 5 + 5 + 1 = 11", true)]
    [InlineData("a + 3z = 0", "0", false)]
    [InlineData("2x + z = 1", "1", false)]
    [InlineData("2x + 4y - 3 = 0", "y = -\\frac{1}{2}x + \\frac{3}{4}", true)]
    [InlineData("x^2/4 + y^2/3 = 1", "x^2/16 + y^2/12 = 1/4", true)]
    [InlineData("34x+45y-20z+100=0", "-34x-45y+20z-100=0", true)]
    [InlineData("2x + 4y - 3 = 0", "2x + 4y - 4 = 0", false)]
    [InlineData("y = x", "y = 2x", false)]
    public void Equations_follow_rule_9(string gold, string predicted, bool expected) =>
        Assert.Equal(expected, MathVerifier.AreEquivalent(gold, predicted));

    [Theory]
    [InlineData("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}", true)]
    [InlineData("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{pmatrix} 1 & 2 \\\\ 3 & 5 \\end{pmatrix}", false)]
    [InlineData("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix}", false)]
    [InlineData("\\begin{pmatrix} \\frac12 \\\\ 2 \\end{pmatrix}", "\\left[\\begin{array}{c} 0.5 \\\\ 2 \\end{array}\\right]", true)]
    public void Matrices_compare_elementwise(string gold, string predicted, bool expected) =>
        Assert.Equal(expected, MathVerifier.AreEquivalent(gold, predicted));
}
