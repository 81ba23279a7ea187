using R1Sharp.Distillation;

namespace R1Sharp.Tests.Distillation;

public class ResponseFilterTests
{
    private const string Clean = "<think>\nTwo plus two is four.\n</think>\n\nThe answer is \\boxed{4}.";

    [Fact]
    public void CorrectnessKeepsOnlyScoresAtTheThreshold()
    {
        var filter = new CorrectnessFilter();
        Assert.True(filter.Keep(Responses.Make(Clean, 1.0)));
        Assert.False(filter.Keep(Responses.Make(Clean, 0.0)));
        Assert.False(filter.Keep(Responses.Make(Clean, null)));              // not verifiable: unknown, dropped
        Assert.True(new CorrectnessFilter("accuracy", 0.5).Keep(Responses.Make(Clean, 0.5)));
        Assert.False(new CorrectnessFilter("judge").Keep(Responses.Make(Clean, 1.0))); // reward absent
    }

    [Fact]
    public void TruncationDropsCutResponsesAndUnclosedReasoning()
    {
        var filter = new TruncationFilter();
        Assert.True(filter.Keep(Responses.Make(Clean)));
        Assert.False(filter.Keep(Responses.Make(Clean, finish: "length")));
        Assert.False(filter.Keep(Responses.Make("<think>\nstill thinking about 2+2 and")));
        Assert.True(new TruncationFilter(RequireClosedReasoning: false).Keep(Responses.Make("The answer is 4.")));
    }

    [Fact]
    public void MixedLanguageReasoningIsDropped()
    {
        var filter = new MixedLanguageFilter();
        Assert.True(filter.Keep(Responses.Make(Clean)));
        Assert.True(filter.Keep(Responses.Make("<think>\n二加二等于四。所以答案是四。\n</think>\n\\boxed{4}")));
        Assert.False(filter.Keep(Responses.Make("<think>\nTwo plus two, 也就是说 the sum is four.\n</think>\n\\boxed{4}")));
        // Greek letters and LaTeX are mathematics, not another language.
        Assert.True(filter.Keep(Responses.Make("<think>\nThe angle θ satisfies \\sin θ = 1/2, so θ = π/6.\n</think>\n\\boxed{\\frac{\\pi}{6}}")));
        // Language of the answer does not matter; only the reasoning is judged.
        Assert.True(filter.Keep(Responses.Make("<think>\nTwo plus two is four.\n</think>\n答案是 4")));
        Assert.False(new MixedLanguageFilter(Script: WritingSystem.Latin).Keep(Responses.Make("<think>\n二加二等于四\n</think>\n4")));
    }

    [Fact]
    public void LongParagraphsInTheReasoningAreDropped()
    {
        var filter = new LongParagraphFilter(MaxCharacters: 100);
        string shortParagraphs = string.Join("\n\n", Enumerable.Repeat("A short step of reasoning.", 10));
        string oneLongParagraph = string.Join(" ", Enumerable.Repeat("A step of reasoning.", 10));
        Assert.True(filter.Keep(Responses.Make($"<think>{shortParagraphs}</think>4")));
        Assert.False(filter.Keep(Responses.Make($"<think>{oneLongParagraph}</think>4")));
        Assert.True(filter.Keep(Responses.Make($"<think>ok</think>{oneLongParagraph}"))); // a long answer is fine
        Assert.Equal(5, LongParagraphFilter.LongestParagraph("abc\n \nabcde\r\n\r\nab"));
    }

    [Fact]
    public void CodeBlocksInTheReasoningAreDroppedButAllowedInTheAnswer()
    {
        var filter = new CodeBlockFilter();
        Assert.False(filter.Keep(Responses.Make("<think>\nLet me compute:\n```python\nprint(2+2)\n```\n</think>\n4")));
        Assert.False(filter.Keep(Responses.Make("<think>\n  ~~~\ncode\n  ~~~\n</think>\n4")));
        Assert.True(filter.Keep(Responses.Make("<think>\nInline `x` is fine.\n</think>\n```python\nprint(4)\n```")));
    }

    [Fact]
    public void ReasoningSplitHandlesAnOpenedInPromptThinkTag()
    {
        var split = ReasoningSplit.Of("reasoning here\n</think>\nanswer");
        Assert.True(split.HasClosedReasoning);
        Assert.Equal("reasoning here\n", split.Reasoning);
        Assert.Equal("\nanswer", split.Answer);
        Assert.Equal("x", ReasoningSplit.Of("<think>x</think>y").Reasoning);
        Assert.False(ReasoningSplit.Of("no tags").HasClosedReasoning);
    }
}
