using R1Sharp.Rewards.Language;

namespace R1Sharp.Rewards.Tests.Language;

public class LanguageConsistencyRewardTests
{
    private static double? Score(string completion, ReasoningLanguage target = ReasoningLanguage.English, string prompt = Inputs.ZeroPrompt) =>
        new LanguageConsistencyReward(new LanguageConsistencyRewardOptions { Target = target }).Score(Inputs.Of(completion, prompt));

    [Fact]
    public void Pure_target_language_reasoning_scores_1_and_the_other_language_0()
    {
        Assert.Equal(1.0, Score("<think>First add the numbers carefully</think><answer>2</answer>"));
        Assert.Equal(0.0, Score("<think>First add the numbers carefully</think>", ReasoningLanguage.Chinese));
        Assert.Equal(1.0, Score("<think>我们先把数字加起来</think>", ReasoningLanguage.Chinese));
        Assert.Equal(0.0, Score("<think>我们先把数字加起来</think>"));
    }

    [Fact]
    public void Mixed_reasoning_scores_the_share_of_target_words()
    {
        // English words: "we", "compute", "first" (3); Han characters: 计 算 (2).
        const string completion = "<think>we compute 计算 first</think>";
        Assert.Equal(3.0 / 5.0, Score(completion)!.Value, 12);
        Assert.Equal(2.0 / 5.0, Score(completion, ReasoningLanguage.Chinese)!.Value, 12);
    }

    [Fact]
    public void Only_the_reasoning_is_measured_by_default()
    {
        // The answer is in Chinese, the reasoning in English.
        Assert.Equal(1.0, Score("<think>easy sum</think><answer>答案是二</answer>"));
        var whole = new LanguageConsistencyReward(new LanguageConsistencyRewardOptions { Section = LanguageSection.Completion });
        // "easy", "sum" vs 答 案 是 二: 2 of 6.
        Assert.Equal(2.0 / 6.0, whole.Score(Inputs.Of("<think>easy sum</think><answer>答案是二</answer>"))!.Value, 12);
    }

    [Fact]
    public void Math_and_code_inside_chinese_reasoning_do_not_count_against_it()
    {
        Assert.Equal(1.0, Score("<think>设 x 满足 $x^2 + \\sin(x) = 1$，代入 `solve(eq)` 得到 3</think>", ReasoningLanguage.Chinese));
    }

    [Fact]
    public void Prefilled_reasoning_is_the_text_before_the_closing_tag()
    {
        Assert.Equal(1.0, Score("we add them\n</think>\n答案", prompt: Inputs.DistillPrompt));
        Assert.Equal(0.0, Score("we add them\n</think>\n答案", ReasoningLanguage.Chinese, Inputs.DistillPrompt));
    }

    [Fact]
    public void Truncated_reasoning_is_measured_to_the_end()
    {
        Assert.Equal(0.5, Score("<think>好 ok"));
    }

    [Theory]
    [InlineData("no think block here")]
    [InlineData("<think></think><answer>2</answer>")]
    [InlineData("<think> 1 + 2 = 3 $x$ </think>")]
    [InlineData("")]
    public void Nothing_to_count_is_not_applicable(string completion) => Assert.Null(Score(completion));

    [Fact]
    public void The_row_can_name_its_target_language()
    {
        var reward = new LanguageConsistencyReward(new LanguageConsistencyRewardOptions { LanguageField = "lang" });
        const string chinese = "<think>我们计算</think>";
        Assert.Equal(1.0, reward.Score(Inputs.Of(chinese, row: Inputs.Row("""{"lang": "zh-CN"}"""))));
        Assert.Equal(0.0, reward.Score(Inputs.Of(chinese, row: Inputs.Row("""{"lang": "en"}"""))));
        Assert.Equal(0.0, reward.Score(Inputs.Of(chinese)));   // no field: the default target (English)
    }

    [Fact]
    public void An_unknown_row_language_is_an_error_naming_the_field_and_value()
    {
        var reward = new LanguageConsistencyReward(new LanguageConsistencyRewardOptions { LanguageField = "lang" });
        var error = Assert.Throws<FormatException>(() => reward.Score(Inputs.Of("<think>x</think>", row: Inputs.Row("""{"lang": "klingon"}"""))));
        Assert.Contains("lang", error.Message);
        Assert.Contains("klingon", error.Message);
    }

    [Theory]
    [InlineData("en", ReasoningLanguage.English)]
    [InlineData("ZH", ReasoningLanguage.Chinese)]
    [InlineData("zh_TW", ReasoningLanguage.Chinese)]
    [InlineData("japanese", ReasoningLanguage.Japanese)]
    [InlineData("ko-KR", ReasoningLanguage.Korean)]
    [InlineData("ru", ReasoningLanguage.Russian)]
    public void Language_codes_and_names_parse(string text, ReasoningLanguage expected)
    {
        Assert.True(ReasoningLanguageCodes.TryParse(text, out var language));
        Assert.Equal(expected, language);
    }

    [Theory]
    [InlineData("")]
    [InlineData("xx")]
    [InlineData("-en")]
    public void Unknown_codes_do_not_parse(string text) => Assert.False(ReasoningLanguageCodes.TryParse(text, out _));

    [Fact]
    public void Japanese_accepts_kana_and_kanji_korean_accepts_hangul()
    {
        Assert.Equal(1.0, Score("<think>計算してみます</think>", ReasoningLanguage.Japanese));
        Assert.Equal(1.0, Score("<think>먼저 계산합니다</think>", ReasoningLanguage.Korean));
        Assert.Equal(0.0, Score("<think>먼저 계산합니다</think>", ReasoningLanguage.Chinese));
    }

    [Fact]
    public void Very_long_reasoning_is_scored()
    {
        string reasoning = string.Concat(Enumerable.Repeat("alpha beta 中 ", 50_000));
        Assert.Equal(2.0 / 3.0, Score($"<think>{reasoning}</think>")!.Value, 9);
    }
}
