using R1Sharp.Rewards.Format;

namespace R1Sharp.Rewards.Tests.Format;

public class FormatRewardTests
{
    private static double? Strict(string completion, string prompt = Inputs.ZeroPrompt) =>
        new FormatReward().Score(Inputs.Of(completion, prompt));

    [Theory]
    [InlineData("<think>1+1 is 2</think><answer>2</answer>")]
    [InlineData("<think>\n1+1 is 2\n</think>\n<answer>\n2\n</answer>")]
    [InlineData(" <think>reason</think>  \n\t<answer>2</answer>\n")]   // "Assistant:" has no trailing space
    public void Strict_accepts_the_r1_zero_layout(string completion) => Assert.Equal(1.0, Strict(completion));

    [Theory]
    [InlineData("")]
    [InlineData("The answer is 2")]
    [InlineData("<think>reason</think>")]                                     // no answer block
    [InlineData("<answer>2</answer>")]                                        // no reasoning
    [InlineData("<answer>2</answer><think>reason</think>")]                   // wrong order
    [InlineData("Sure! <think>reason</think><answer>2</answer>")]             // text before
    [InlineData("<think>reason</think><answer>2</answer> Hope this helps")]   // text after
    [InlineData("<think>reason</think> so <answer>2</answer>")]               // text between
    [InlineData("<think>a</think><think>b</think><answer>2</answer>")]        // repeated think
    [InlineData("<think>a<think>b</think></think><answer>2</answer>")]        // nested think
    [InlineData("<think>a</think><answer>2</answer><answer>3</answer>")]      // repeated answer
    [InlineData("<think>a</think><answer>2<answer>3</answer></answer>")]      // nested answer
    [InlineData("<think>a<answer>2</answer></think><answer>2</answer>")]      // answer inside think
    [InlineData("<think>reason<answer>2</answer>")]                           // think never closed
    [InlineData("<THINK>reason</THINK><ANSWER>2</ANSWER>")]                   // tags are case-sensitive
    public void Strict_rejects_anything_else(string completion) => Assert.Equal(0.0, Strict(completion));

    [Theory]
    [InlineData("<think></think><answer>2</answer>")]
    [InlineData("<think> \n </think><answer>2</answer>")]
    [InlineData("<think>reason</think><answer>  </answer>")]
    public void Strict_requires_content_by_default_and_not_when_disabled(string completion)
    {
        Assert.Equal(0.0, Strict(completion));
        var lax = new FormatReward(new FormatRewardOptions { RequireContent = false });
        Assert.Equal(1.0, lax.Score(Inputs.Of(completion)));
    }

    [Fact]
    public void Prompt_that_opens_think_is_detected_and_the_completion_must_not_reopen_it()
    {
        Assert.Equal(1.0, Strict("1+1 is 2\n</think>\n<answer>2</answer>", Inputs.DistillPrompt));
        Assert.Equal(0.0, Strict("<think>1+1 is 2</think><answer>2</answer>", Inputs.DistillPrompt));
        Assert.Equal(0.0, Strict("\n</think>\n<answer>2</answer>", Inputs.DistillPrompt));   // empty reasoning
        // The same completion without the prefilled prompt lacks its opening tag.
        Assert.Equal(0.0, Strict("1+1 is 2\n</think>\n<answer>2</answer>"));
    }

    [Fact]
    public void Explicit_think_opening_overrides_detection()
    {
        var inPrompt = new FormatReward(new FormatRewardOptions { ThinkOpening = ThinkOpening.InPrompt });
        var inCompletion = new FormatReward(new FormatRewardOptions { ThinkOpening = ThinkOpening.InCompletion });
        var prefilledCompletion = Inputs.Of("reason</think><answer>2</answer>", Inputs.ZeroPrompt);
        var fullCompletion = Inputs.Of("<think>reason</think><answer>2</answer>", Inputs.DistillPrompt);
        Assert.Equal(1.0, inPrompt.Score(prefilledCompletion));
        Assert.Equal(0.0, inPrompt.Score(fullCompletion));
        Assert.Equal(0.0, inCompletion.Score(prefilledCompletion));
        Assert.Equal(1.0, inCompletion.Score(fullCompletion));
    }

    [Theory]
    [InlineData("<think>r</think><answer>2</answer>", 1.0)]
    [InlineData("Let me see. <think>r</think> so <answer>2</answer> done", 1.0)]
    [InlineData("<think>a</think><think>b</think><answer>2</answer>", 1.0)]
    [InlineData("<think></think><answer></answer>", 1.0)]
    [InlineData("<answer>2</answer><think>r</think>", 0.0)]
    [InlineData("<think>r</think> 2", 0.0)]
    [InlineData("</think><answer>2</answer>", 0.0)]
    public void Lenient_only_needs_the_tags_in_order(string completion, double expected)
    {
        var reward = new FormatReward(new FormatRewardOptions { Mode = FormatMode.Lenient });
        Assert.Equal(expected, reward.Score(Inputs.Of(completion)));
    }

    [Fact]
    public void Lenient_with_prefilled_prompt_needs_only_the_closing_tags()
    {
        var reward = new FormatReward(new FormatRewardOptions { Mode = FormatMode.Lenient });
        Assert.Equal(1.0, reward.Score(Inputs.Of("r</think>x<answer>2</answer>", Inputs.DistillPrompt)));
        Assert.Equal(0.0, reward.Score(Inputs.Of("r</think>x", Inputs.DistillPrompt)));
    }

    [Theory]
    [InlineData("<think>1+1 is 2</think>The answer is $\\boxed{2}$.", 1.0)]
    [InlineData("\n<think>\nr\n</think>\n\n**2**\n", 1.0)]
    [InlineData("<think>r</think><answer>2</answer>", 1.0)]      // answer tags are allowed in the final answer
    [InlineData("<think>r</think>", 0.0)]                         // no final answer
    [InlineData("<think>r</think>   \n", 0.0)]
    [InlineData("<think></think>2", 0.0)]                         // empty reasoning
    [InlineData("Hi <think>r</think>2", 0.0)]
    [InlineData("<think>a</think>b<think>c</think>2", 0.0)]
    [InlineData("<think>r", 0.0)]                                 // cut off inside the reasoning
    public void Think_only_is_r1s_layout(string completion, double expected)
    {
        var reward = new FormatReward(new FormatRewardOptions { Mode = FormatMode.ThinkOnly });
        Assert.Equal(expected, reward.Score(Inputs.Of(completion)));
    }

    [Fact]
    public void Think_only_with_the_distill_template()
    {
        var reward = new FormatReward(new FormatRewardOptions { Mode = FormatMode.ThinkOnly });
        Assert.Equal(1.0, reward.Score(Inputs.Of("Okay, 1+1=2.\n</think>\n\n\\boxed{2}", Inputs.DistillPrompt)));
        Assert.Equal(0.0, reward.Score(Inputs.Of("<think>Okay</think>2", Inputs.DistillPrompt)));
        Assert.Equal(0.0, reward.Score(Inputs.Of("Okay, 1+1=2 and I keep going", Inputs.DistillPrompt)));
    }

    [Fact]
    public void Custom_tag_names_are_used_instead_of_think_and_answer()
    {
        var reward = new FormatReward(new FormatRewardOptions { Tags = new ReasoningTags("reasoning", "solution") });
        Assert.Equal(1.0, reward.Score(Inputs.Of("<reasoning>r</reasoning><solution>2</solution>")));
        Assert.Equal(0.0, reward.Score(Inputs.Of("<think>r</think><answer>2</answer>")));
    }

    [Theory]
    [InlineData("", "answer")]
    [InlineData("<think>", "answer")]
    [InlineData("think", "think")]
    [InlineData("th ink", "answer")]
    public void Invalid_tag_names_are_refused(string think, string answer) =>
        Assert.Throws<ArgumentException>(() => new FormatReward(new FormatRewardOptions { Tags = new ReasoningTags(think, answer) }));

    [Fact]
    public void Unicode_and_very_long_reasoning_are_handled()
    {
        string reasoning = string.Concat(Enumerable.Repeat("让我们想一想 🤔 wait, ", 20_000));
        Assert.Equal(1.0, Strict($"<think>{reasoning}</think><answer>２</answer>"));
        Assert.Equal(0.0, Strict($"<think>{reasoning}<think></think><answer>２</answer>"));
    }
}
