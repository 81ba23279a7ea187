namespace R1Sharp.Verify.Tests.Extraction;

public class AnswerExtractorTests
{
    [Theory]
    [InlineData("so the result is \\boxed{42}.", "42")]
    [InlineData("first \\boxed{1} then \\boxed{2}", "2")]
    [InlineData("\\boxed{\\frac{1}{\\sqrt{2}}}", "\\frac{1}{\\sqrt{2}}")]
    [InlineData("\\fbox{7}", "7")]
    [InlineData("\\boxed {x^{2}}", "x^{2}")]
    [InlineData("The answer is 17.", "17")]
    [InlineData("Thus the final answer is $2.5$. I hope it is correct.", "$2.5$")]
    [InlineData("work\nAnswer: 12", "12")]
    [InlineData("work\nA: 18", "18")]
    [InlineData("work\n#### 1,234", "1,234")]
    [InlineData("<answer> 3/4 </answer>", "3/4")]
    [InlineData("**73**", "**73**")]
    [InlineData("42", "42")]
    public void Finds_the_final_answer(string response, string expected) =>
        Assert.Equal(expected, AnswerExtractor.Extract(response));

    [Fact]
    public void Only_the_text_after_the_last_think_counts()
    {
        string response = "<think>maybe \\boxed{3}</think> so the answer is \\boxed{4}";
        Assert.Equal("4", AnswerExtractor.Extract(response));
    }

    [Fact]
    public void A_box_inside_the_thinking_does_not_count_when_the_final_part_has_an_answer()
    {
        Assert.Equal("5", AnswerExtractor.Extract("<think>\\boxed{3}</think>The answer is 5."));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\\boxed{}")]
    [InlineData("\\boxed{  }")]
    [InlineData("here \\boxed{12")]
    [InlineData("I am not sure how to solve this problem at all.")]
    public void No_answer(string response) => Assert.Null(AnswerExtractor.Extract(response));

    [Fact]
    public void An_unbalanced_last_box_does_not_fall_back_to_an_earlier_box() =>
        Assert.Null(AnswerExtractor.Extract("\\boxed{1} and then \\boxed{2"));

    [Fact]
    public void Last_number_fallback_is_off_by_default_and_on_when_asked()
    {
        string response = "We computed a lot of things and got 12 then 15 in the end";
        Assert.Null(AnswerExtractor.Extract(response));
        Assert.Equal("15", AnswerExtractor.Extract(response, new ExtractionOptions { LastNumberFallback = true }));
    }

    [Fact]
    public void A_box_around_a_huge_text_is_no_answer()
    {
        string response = "\\boxed{" + new string('a', 5000) + "}";
        Assert.Null(AnswerExtractor.Extract(response));
    }
}
