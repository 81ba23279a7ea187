using R1Sharp.Tasks;

namespace R1Sharp.Tests.Tasks;

public class CountdownTaskTests
{
    private static readonly CountdownTask Task = new();
    private static readonly ReasoningProblem Problem = new("countdown", "q", "(3*4)-2", [3, 4, 2], 10, "(3*4)-2");

    [Theory]
    [InlineData("(3*4)-2")]
    [InlineData("3*4-2")]
    [InlineData(" 4 * 3 - 2 ")]
    [InlineData("3*4-2 = 10")]
    public void AcceptsEveryCorrectExpression(string answer) => Assert.True(Task.IsCorrect(Problem, answer));

    [Theory]
    [InlineData("3*4-3")]      // 3 reused, 2 unused
    [InlineData("3*4")]        // 2 unused (value 12 anyway)
    [InlineData("10")]         // no given number used
    [InlineData("3+4+2")]      // 9, wrong value
    [InlineData("3*4-2 = 11")] // restated target wrong
    [InlineData("3*4-2-0")]    // extra literal
    [InlineData("3*x-2")]      // not an expression
    [InlineData("3**4-2")]     // power is not an allowed operator
    [InlineData("")]
    public void RejectsWrongOrMalformedAnswers(string answer) => Assert.False(Task.IsCorrect(Problem, answer));

    [Fact]
    public void DivisionIsExactAndDivisionByZeroIsWrong()
    {
        var p = new ReasoningProblem("countdown", "q", "8/2*3", [8, 2, 3], 12, "8/2*3");
        Assert.True(Task.IsCorrect(p, "8/2*3"));
        var thirds = new ReasoningProblem("countdown", "q", "", [8, 3, 3], 8, "");
        Assert.True(Task.IsCorrect(thirds, "8/3*3"));
        var zero = new ReasoningProblem("countdown", "q", "", [4, 2, 2], 4, "");
        Assert.False(Task.IsCorrect(zero, "4/(2-2)"));
    }

    [Fact]
    public void NonIntegerResultNeverEqualsIntegerTarget()
    {
        var p = new ReasoningProblem("countdown", "q", "", [7, 2, 1], 3, "");
        Assert.False(Task.IsCorrect(p, "7/2*1"));  // 3.5
    }

    [Fact]
    public void GeneratedProblemsAreSolvedByTheirOwnAnswer()
    {
        var random = new Random(3);
        for (int i = 0; i < 200; i++)
        {
            var p = Task.Generate(random);
            Assert.True(Task.IsCorrect(p, p.Answer), p.Question + " / " + p.Answer);
            Assert.InRange(p.Target, 1, 99);
        }
    }

    [Fact]
    public void SelfCheckingSolutionsRetryUntilTheTargetOrTheAttemptLimit()
    {
        var task = new CountdownTask();
        var noise = new CorpusNoise(GuessRate: 0, SelfCheckRate: 1, CountdownRightAttemptRate: 0.3, CountdownMaxAttempts: 3);
        var random = new Random(8);
        int retried = 0;
        for (int i = 0; i < 300; i++)
        {
            var problem = task.Generate(random);
            string solution = task.WriteSolution(problem, random, noise);
            int retries = solution.Split("try again", StringSplitOptions.None).Length - 1;
            Assert.InRange(retries, 0, noise.CountdownMaxAttempts - 1);
            retried += retries > 0 ? 1 : 0;
            // Every "V is not T" names the real target, and a solution stops early only on a hit.
            Assert.All(System.Text.RegularExpressions.Regex.Matches(solution, @"(-?\d+) is not (\d+)"), m =>
            {
                Assert.Equal(problem.Target.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Groups[2].Value);
                Assert.NotEqual(m.Groups[2].Value, m.Groups[1].Value);
            });
            if (retries < noise.CountdownMaxAttempts - 1) Assert.True(task.IsCorrect(problem, AnswerExtraction.LastAnswer(solution)!), solution);
        }
        Assert.InRange(retried, 100, 290);
    }

    [Fact]
    public void GeneratedExpressionsRespectTheMultiplicationAndSignLimits()
    {
        var task = new CountdownTask();
        var random = new Random(4);
        for (int i = 0; i < 500; i++)
        {
            var problem = task.Generate(random);
            Assert.True(problem.Expression.Count(c => c == '*') <= task.MaxMultiplications, problem.Expression);
            Assert.DoesNotContain('-', problem.Target.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var arithmetic = new ArithmeticTask();
        for (int i = 0; i < 500; i++)
        {
            var problem = arithmetic.Generate(random);
            Assert.True(problem.Expression.Count(c => c == '*') <= arithmetic.MaxMultiplications, problem.Expression);
            string worked = arithmetic.WriteSolution(problem, random, new CorpusNoise(GuessRate: 0, StepErrorRate: 0, SelfCheckRate: 0));
            Assert.DoesNotContain("=-", worked, StringComparison.Ordinal);
        }
    }
}
