using R1Sharp.Evaluation.Metrics;

namespace R1Sharp.Tests.Evaluation;

public class MajorityVoteTests
{
    private static readonly Func<string, string, bool> Equivalent = new BoxedNumberJudge().AreEquivalent;

    [Fact]
    public void GroupsEquivalentAnswersWrittenDifferently()
    {
        // "3" appears twice by string, but 0.5, \frac{1}{2} and 1/2 are the same answer three times.
        var outcome = MajorityVote.Decide(
        [
            new VoteCandidate(0, "3", false),
            new VoteCandidate(1, "0.5", true),
            new VoteCandidate(2, "3", false),
            new VoteCandidate(3, "\\frac{1}{2}", true),
            new VoteCandidate(4, "1/2", true),
        ], Equivalent);
        Assert.Equal("0.5", outcome.Answer);
        Assert.Equal(3, outcome.Votes);
        Assert.True(outcome.Correct);
        Assert.Equal(2, outcome.Groups);
    }

    [Fact]
    public void StringMajorityWouldPickTheWrongAnswer()
    {
        // By string equality "7" (2 votes) beats each spelling of one half (1 vote each); by equivalence one half wins 3 to 2.
        var candidates = new[]
        {
            new VoteCandidate(0, "7", false), new VoteCandidate(1, "7", false),
            new VoteCandidate(2, "0.5", true), new VoteCandidate(3, "\\frac{1}{2}", true), new VoteCandidate(4, "0.50", true),
        };
        var outcome = MajorityVote.Decide(candidates, Equivalent);
        Assert.True(outcome.Correct);
        Assert.Equal(3, outcome.Votes);
        var byString = MajorityVote.Decide(candidates, (a, b) => a == b);
        Assert.False(byString.Correct);
    }

    [Fact]
    public void TieGoesToTheAnswerGivenFirstRegardlessOfInputOrder()
    {
        var candidates = new[]
        {
            new VoteCandidate(3, "12", true), new VoteCandidate(0, "13", false),
            new VoteCandidate(1, "12", true), new VoteCandidate(2, "13", false),
        };
        var outcome = MajorityVote.Decide(candidates, Equivalent);
        // Sample 0 said 13, so 13 founded its group first and wins the 2-2 tie.
        Assert.Equal("13", outcome.Answer);
        Assert.False(outcome.Correct);
        Assert.Equal(outcome, MajorityVote.Decide(candidates.Reverse(), Equivalent));
    }

    [Fact]
    public void MissingAnswersNeverWin()
    {
        var outcome = MajorityVote.Decide(
        [
            new VoteCandidate(0, null, false), new VoteCandidate(1, null, false),
            new VoteCandidate(2, "  ", false), new VoteCandidate(3, "42", true),
        ], Equivalent);
        Assert.Equal("42", outcome.Answer);
        Assert.Equal(1, outcome.Votes);
        Assert.True(outcome.Correct);
    }

    [Fact]
    public void NoAnswerAtAllIsWrong()
    {
        var outcome = MajorityVote.Decide([new VoteCandidate(0, null, false), new VoteCandidate(1, null, false)], Equivalent);
        Assert.Null(outcome.Answer);
        Assert.False(outcome.Correct);
        Assert.Equal(0, outcome.Groups);
    }
}
