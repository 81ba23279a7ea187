using R1Sharp.Tasks;

namespace R1Sharp.Tests.Tasks;

public class AnswerScoringTests
{
    [Fact]
    public void The_last_answer_block_is_checked_by_the_family()
    {
        var suite = TaskSuite.CreateDefault(seed: 1, heldOutPerFamily: 2);
        var problem = suite.HeldOut[0];
        var task = suite.TaskOf(problem);
        Assert.True(AnswerScoring.IsCorrect(task, problem, $"<think>x</think> <answer>{problem.Answer}</answer>"));
        Assert.True(AnswerScoring.IsCorrect(task, problem, $"<answer>nonsense</answer> then <answer> {problem.Answer} </answer>"));
        Assert.False(AnswerScoring.IsCorrect(task, problem, $"<answer>{problem.Answer}</answer> <answer>nonsense</answer>"));
        Assert.False(AnswerScoring.IsCorrect(task, problem, $"{problem.Answer}"));
    }
}
