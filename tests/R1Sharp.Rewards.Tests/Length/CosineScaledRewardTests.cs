using R1Sharp.Rewards.Length;

namespace R1Sharp.Rewards.Tests.Length;

public class CosineScaledRewardTests
{
    private static readonly CosineScaledRewardOptions Options = new() { MaxLength = 100 };

    private static double? Score(double correctness, int tokens, CosineScaledRewardOptions? options = null, bool truncated = false) =>
        new CosineScaledReward(new FixedReward(correctness), options ?? Options)
            .Score(Inputs.Of(new string('a', tokens), tokens: tokens, truncated: truncated));

    [Fact]
    public void Correct_completions_earn_max_when_empty_min_at_max_length_and_the_midpoint_halfway()
    {
        var o = Options;
        Assert.Equal(o.MaxValueCorrect, Score(1, 0)!.Value, 12);
        Assert.Equal(o.MinValueCorrect, Score(1, 100)!.Value, 12);
        Assert.Equal((o.MinValueCorrect + o.MaxValueCorrect) / 2, Score(1, 50)!.Value, 12);
    }

    [Fact]
    public void Wrong_completions_are_penalised_most_when_short()
    {
        var o = Options;
        Assert.Equal(o.MinValueWrong, Score(0, 0)!.Value, 12);
        Assert.Equal(o.MaxValueWrong, Score(0, 100)!.Value, 12);
        Assert.Equal((o.MinValueWrong + o.MaxValueWrong) / 2, Score(0, 50)!.Value, 12);
    }

    [Fact]
    public void The_schedule_is_monotone_in_length()
    {
        for (int n = 1; n <= 100; n++)
        {
            Assert.True(Score(1, n) <= Score(1, n - 1), $"correct, length {n}");
            Assert.True(Score(0, n) >= Score(0, n - 1), $"wrong, length {n}");
        }
    }

    [Fact]
    public void Beyond_max_length_the_end_value_holds_unless_an_exceed_value_is_set()
    {
        Assert.Equal(Score(1, 100), Score(1, 250));
        var exceed = Options with { ExceedLengthValue = -10 };
        Assert.Equal(-10.0, Score(1, 100, exceed));
        Assert.Equal(-10.0, Score(1, 20, exceed, truncated: true));
        Assert.NotEqual(-10.0, Score(1, 20, exceed));
    }

    [Fact]
    public void Correctness_is_the_wrapped_score_against_the_threshold()
    {
        var half = Options with { CorrectThreshold = 0.5 };
        Assert.Equal(Score(1, 30, half), Score(0.5, 30, half));
        Assert.Equal(Score(0, 30, half), Score(0.49, 30, half));
        Assert.Equal(Score(0, 30), Score(0.99, 30));   // default threshold 1
    }

    [Fact]
    public void A_null_wrapped_score_is_not_applicable()
    {
        var reward = new CosineScaledReward(new FixedReward(null), Options);
        Assert.Null(reward.Score(Inputs.Of("text", tokens: 3)));
    }

    [Fact]
    public void Characters_can_be_counted_instead_of_tokens()
    {
        var chars = Options with { Unit = LengthUnit.Characters };
        var reward = new CosineScaledReward(new FixedReward(1), chars);
        // 100 characters but 0 tokens reported: in characters it is at max length.
        Assert.Equal(Options.MinValueCorrect, reward.Score(Inputs.Of(new string('x', 100), tokens: 0))!.Value, 12);
    }

    [Fact]
    public void Missing_token_count_is_an_error_not_a_short_completion()
    {
        var reward = new CosineScaledReward(new FixedReward(1), Options);
        var error = Assert.Throws<ArgumentException>(() => reward.Score(Inputs.Of("some text", tokens: 0)));
        Assert.Contains("CompletionTokens", error.Message);
        Assert.Equal(Options.MaxValueCorrect, reward.Score(Inputs.Of("", tokens: 0))!.Value, 12);
    }

    [Theory]
    [InlineData(0, -1, -0.5, 0.5, 1)]
    [InlineData(100, -0.4, -0.5, 0.5, 1)]
    [InlineData(100, -1, -0.5, 1.5, 1)]
    [InlineData(100, double.NaN, -0.5, 0.5, 1)]
    public void Invalid_options_are_refused(int maxLength, double minWrong, double maxWrong, double minCorrect, double maxCorrect) =>
        Assert.Throws<ArgumentException>(() => new CosineScaledReward(new FixedReward(1), new CosineScaledRewardOptions
        {
            MaxLength = maxLength,
            MinValueWrong = minWrong,
            MaxValueWrong = maxWrong,
            MinValueCorrect = minCorrect,
            MaxValueCorrect = maxCorrect,
        }));
}
