using R1Sharp.Tasks;
using R1Sharp.Text;

namespace R1Sharp.Tests.Tasks;

public class ArithmeticTaskTests
{
    private static readonly ArithmeticTask Task = new();

    [Fact]
    public void GeneratedAnswersMatchAnIndependentEvaluation()
    {
        var random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            var p = Task.Generate(random);
            var table = new System.Data.DataTable();
            long expected = Convert.ToInt64(table.Compute(p.Expression, null), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(expected, p.Target);
            Assert.True(Task.IsCorrect(p, p.Answer));
        }
    }

    [Fact]
    public void OnlyTheExactIntegerIsAccepted()
    {
        var p = new ReasoningProblem("arithmetic", "Compute 3+4*5-2", "21", [3, 4, 5, 2], 21, "3+4*5-2");
        Assert.True(Task.IsCorrect(p, " 21 "));
        Assert.False(Task.IsCorrect(p, "22"));
        Assert.False(Task.IsCorrect(p, "21.0"));
        Assert.False(Task.IsCorrect(p, "3+4*5-2"));
        Assert.False(Task.IsCorrect(p, ""));
    }

    [Fact]
    public void ExpressionEvaluatorRejectsBadInputWithPosition()
    {
        var error = Assert.Throws<ExpressionException>(() => ArithmeticExpression.Evaluate("2+a"));
        Assert.Contains("position 2", error.Message);
        Assert.Throws<ExpressionException>(() => ArithmeticExpression.Evaluate("1/0"));
        Assert.Throws<ExpressionException>(() => ArithmeticExpression.Evaluate("(1+2"));
        Assert.Throws<ExpressionException>(() => ArithmeticExpression.Evaluate("1.5+1"));
        Assert.Throws<ExpressionException>(() => ArithmeticExpression.Evaluate(new string('(', 40) + "1" + new string(')', 40)));
        Assert.Equal(new ExactRational(7, 2), ArithmeticExpression.Evaluate("7/2").Value);
        Assert.Equal(ExactRational.FromInteger(-3), ArithmeticExpression.Evaluate("-(1+2)").Value);
    }

    [Fact]
    public void WorkedSolutionsMostlyHaveTheFormatAndSelfChecksAreRare()
    {
        var random = new Random(11);
        var noise = new CorpusNoise();
        int formatted = 0, reflective = 0, correct = 0;
        const int n = 2000;
        for (int i = 0; i < n; i++)
        {
            var p = Task.Generate(random);
            string s = Task.WriteSolution(p, random, noise);
            if (AnswerExtraction.HasR1ZeroFormat(s)) formatted++;
            if (ReflectionWords.Contains(s)) reflective++;
            if (Task.IsCorrect(p, AnswerExtraction.LastAnswer(s) ?? "")) correct++;
        }
        Assert.Equal(n, formatted);
        double worked = n * (1 - noise.GuessRate);
        Assert.InRange(reflective, worked * noise.SelfCheckRate * 0.5, worked * noise.SelfCheckRate * 1.5);
        Assert.InRange(correct, n * 0.1, n * 0.5); // starts weak on purpose
    }
}
