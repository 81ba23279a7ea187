using R1Sharp.Rewards;
using R1Sharp.Tasks;

namespace R1Sharp.Tests.Tasks;

public class TaskSuiteTests
{
    [Fact]
    public void TrainingStreamNeverYieldsHeldOutProblemsAndIsReproducible()
    {
        var suite = TaskSuite.CreateDefault(seed: 42, heldOutPerFamily: 100);
        var heldOut = suite.HeldOut.Select(p => p.Key).ToHashSet();
        Assert.Equal(200, heldOut.Count);
        for (int i = 0; i < 3000; i++) Assert.DoesNotContain(suite.TrainingProblem(i, 1).Key, heldOut);
        var again = TaskSuite.CreateDefault(seed: 42, heldOutPerFamily: 100);
        Assert.Equal(suite.TrainingProblem(77, 1).Key, again.TrainingProblem(77, 1).Key);
        Assert.NotEqual(suite.TrainingProblem(77, 1).Question, suite.TrainingProblem(79, 1).Question);
    }

    [Fact]
    public async Task RewardsScoreFormatAndAccuracyFromTheRow()
    {
        var suite = TaskSuite.CreateDefault(seed: 1, heldOutPerFamily: 2);
        var problem = suite.HeldOut[0];
        var accuracy = new TaskAccuracyReward(suite.Tasks);
        var format = new R1ZeroFormatReward();
        string good = $" <think> ok </think> <answer>{problem.Answer}</answer>";
        Assert.Equal(1.0, await accuracy.ScoreAsync(new RewardInput("p", good, problem.ToRow())));
        Assert.Equal(1.0, await format.ScoreAsync(new RewardInput("p", good, problem.ToRow())));
        string unformatted = $"{problem.Answer}";
        Assert.Equal(0.0, await accuracy.ScoreAsync(new RewardInput("p", unformatted, problem.ToRow())));
        Assert.Equal(0.0, await format.ScoreAsync(new RewardInput("p", unformatted, problem.ToRow())));
        Assert.Equal(0.0, await format.ScoreAsync(new RewardInput("p", good + " <answer>1</answer>", problem.ToRow())));
    }
}
