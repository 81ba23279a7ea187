using R1Sharp.Tasks;

namespace R1Sharp.Tests.Tasks;

public class MultiplicationTaskTests
{
    private static readonly MultiplicationTask Task = new();

    [Fact]
    public void ProblemsAreAThreeDigitTimesATwoDigitNumberWithTheirProduct()
    {
        var random = new Random(3);
        for (int i = 0; i < 300; i++)
        {
            var p = Task.Generate(random);
            Assert.Equal("multiplication", p.Family);
            Assert.InRange(p.Numbers[0], 100, 999);
            Assert.InRange(p.Numbers[1], 10, 99);
            Assert.Equal($"{p.Numbers[0]}*{p.Numbers[1]}", p.Expression);
            Assert.Equal("Compute " + p.Expression, p.Question);
            Assert.Equal((long)p.Numbers[0] * p.Numbers[1], p.Target);
            Assert.True(Task.IsCorrect(p, p.Answer));
        }
    }

    [Fact]
    public void OnlyTheExactProductIsAccepted()
    {
        var p = new ReasoningProblem("multiplication", "Compute 347*58", "20126", [347, 58], 20126, "347*58");
        Assert.True(Task.IsCorrect(p, " 20126 "));
        Assert.False(Task.IsCorrect(p, "20127"));
        Assert.False(Task.IsCorrect(p, "347*58"));
        Assert.False(Task.IsCorrect(p, ""));
    }

    [Fact]
    public void TheCorpusGuessIsOfTheRightMagnitudeButNeverTheProduct()
    {
        var random = new Random(11);
        for (int i = 0; i < 500; i++)
        {
            var p = Task.Generate(random);
            long guess = MultiplicationTask.Guess(p, random);
            Assert.NotEqual(p.Target, guess);
            Assert.InRange(guess, p.Target * 0.8 - 1, p.Target * 1.2 + 11);
            Assert.False(AnswerScoring.IsCorrect(Task, p, Task.WriteSolution(p, random, new CorpusNoise())));
        }
    }

    [Fact]
    public void HeldOutProblemsAreInNoTrainingStream()
    {
        var suite = new TaskSuite([Task], seed: 7, heldOutPerFamily: 100);
        Assert.Equal(100, suite.HeldOut.Select(p => p.Key).Distinct().Count());
        var heldOut = suite.HeldOut.Select(p => p.Key).ToHashSet();
        foreach (int stream in new[] { 0, 1 })
            for (long k = 0; k < 20_000; k++)
                Assert.DoesNotContain(suite.TrainingProblem(k, stream).Key, heldOut);
    }

    [Fact]
    public void InvalidDigitsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new MultiplicationTask(2, 3).Generate(new Random(1)));
        Assert.Throws<ArgumentException>(() => new MultiplicationTask(7, 2).Generate(new Random(1)));
    }
}
