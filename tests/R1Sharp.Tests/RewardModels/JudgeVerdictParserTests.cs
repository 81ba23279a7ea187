using R1Sharp.RewardModels;

namespace R1Sharp.Tests.RewardModels;

public sealed class JudgeVerdictParserTests
{
    [Theory]
    [InlineData("VERDICT: CORRECT", 1.0)]
    [InlineData("The response matches.\nVerdict: incorrect", 0.0)]
    [InlineData("**Verdict:** **CORRECT**", 1.0)]
    [InlineData("Reply with VERDICT: CORRECT or VERDICT: INCORRECT.\n...\nVERDICT: INCORRECT", 0.0)]
    [InlineData("<think>maybe VERDICT: INCORRECT? no</think>\nVERDICT: CORRECT", 1.0)]
    [InlineData("Correct.", 1.0)]
    [InlineData("  no ", 0.0)]
    public void VerdictsAreRead(string reply, double expected)
    {
        var (score, problem) = JudgeVerdictParser.Parse(reply, JudgeMode.Verdict);
        Assert.Null(problem);
        Assert.Equal(expected, score);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("I think the answer is probably fine")]
    [InlineData("VERDICT: maybe")]
    [InlineData("<think>VERDICT: CORRECT</think> hmm")]
    public void MalformedVerdictsAreFailuresNotZeros(string? reply)
    {
        var (score, problem) = JudgeVerdictParser.Parse(reply, JudgeMode.Verdict);
        Assert.Null(score);
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Theory]
    [InlineData("SCORE: 7", 0.7)]
    [InlineData("Rating = 3/5", 0.6)]
    [InlineData("score: 2\nOn reflection, SCORE: 10", 1.0)]
    [InlineData("Score: 0", 0.0)]
    public void ScoresAreReadOnTheirScale(string reply, double expected)
    {
        var (score, problem) = JudgeVerdictParser.Parse(reply, JudgeMode.Score);
        Assert.Null(problem);
        Assert.Equal(expected, score!.Value, 12);
    }

    [Theory]
    [InlineData("SCORE: 11", "outside")]
    [InlineData("SCORE: -1", "outside")]
    [InlineData("eight out of ten", "no 'SCORE")]
    [InlineData("", "empty")]
    public void MalformedScoresAreFailures(string reply, string reason)
    {
        var (score, problem) = JudgeVerdictParser.Parse(reply, JudgeMode.Score);
        Assert.Null(score);
        Assert.Contains(reason, problem);
    }
}
