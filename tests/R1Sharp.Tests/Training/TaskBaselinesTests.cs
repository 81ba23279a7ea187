using R1Sharp.Tasks;
using R1Sharp.Training.Zero;

namespace R1Sharp.Tests.Training;

/// <summary>The answer-only baselines of r1 zero's summary, on hand-made problems.</summary>
public class TaskBaselinesTests
{
    [Fact]
    public void CountdownSumOfNumbersIsRightWhenTheTargetIsTheirSum()
    {
        ReasoningProblem[] problems =
        [
            new("countdown", "q", "1+2+3", [1, 2, 3], 6, "1+2+3"),
            new("countdown", "q", "2*3+4", [2, 3, 4], 10, "2*3+4"),
            new("countdown", "q", "9-5+4", [5, 9, 4], 18, "9+5+4"),
            new("countdown", "q", "8-1-2", [8, 1, 2], 5, "8-1-2"),
        ];
        var baselines = TaskBaselines.AnswerOnly(new CountdownTask(), problems);
        Assert.Equal([TaskBaselines.SumOfNumbers], baselines.Keys);
        Assert.Equal(0.5, baselines[TaskBaselines.SumOfNumbers], 12);
    }

    [Fact]
    public void ArithmeticMostFrequentAnswerScoresTheModeOfTheFamily()
    {
        ReasoningProblem[] problems =
        [
            new("arithmetic", "Compute 2+3", "5", [2, 3], 5, "2+3"),
            new("arithmetic", "Compute 1+4", "5", [1, 4], 5, "1+4"),
            new("arithmetic", "Compute 3+4", "7", [3, 4], 7, "3+4"),
            new("arithmetic", "Compute 9-2", "7", [9, 2], 7, "9-2"),
            new("arithmetic", "Compute 2*4", "8", [2, 4], 8, "2*4"),
        ];
        // 5 and 7 both occur twice: the smaller wins the tie, and is right on 2 of 5 problems.
        var baselines = TaskBaselines.AnswerOnly(new ArithmeticTask(), problems);
        Assert.Equal(0.4, baselines[TaskBaselines.MostFrequentAnswer], 12);
    }

    [Fact]
    public void TheSuiteBaselinesAddTheBaseModelsPassAtK()
    {
        var suite = new ZeroOptions { HeldOutPerFamily = 20 }.CreateSuite();
        var evaluation = new TaskEvaluationResult(0.1, 0.1, 1, 10, 0, new Dictionary<string, double>(), new Dictionary<string, double>(), [],
            PassAtKByFamily: new Dictionary<string, double> { ["countdown"] = 0.45, ["arithmetic"] = 0.6 });
        var baselines = TaskBaselines.Of(suite, evaluation, k: 8);
        Assert.Equal(0.45, baselines["countdown"]["base_pass8"]);
        Assert.Equal(0.6, baselines["arithmetic"]["base_pass8"]);
        var countdown = suite.HeldOut.Where(p => p.Family == "countdown").ToList();
        Assert.Equal(countdown.Count(p => p.Numbers.Sum() == p.Target) / (double)countdown.Count, baselines["countdown"][TaskBaselines.SumOfNumbers], 12);
        Assert.InRange(baselines["arithmetic"][TaskBaselines.MostFrequentAnswer], 1 / 20.0, 1.0);
    }
}
