using R1Sharp.Rewards.Composition;
using R1Sharp.Rewards.Format;
using R1Sharp.Rewards.Language;
using R1Sharp.Rewards.Length;
using R1Sharp.Rewards.Repetition;

namespace R1Sharp.Rewards.Tests.Composition;

public class RewardRegistryTests
{
    [Fact]
    public void The_default_registry_knows_the_built_in_names()
    {
        var registry = RewardRegistry.CreateDefault();
        Assert.Equal(["accuracy", "code", "cosine", "format", "language", "overlong", "repetition", "tag_count"], registry.Names);
        Assert.All(registry.Names, n => Assert.False(string.IsNullOrWhiteSpace(registry.DescriptionOf(n))));
    }

    [Fact]
    public void Options_reach_the_created_reward()
    {
        var registry = RewardRegistry.CreateDefault();
        var format = Assert.IsType<FormatReward>(registry.Create("FORMAT", Opts(("mode", "think_only"), ("require-content", "no"), ("think_tag", "reason"))));
        Assert.Equal(FormatMode.ThinkOnly, format.Options.Mode);
        Assert.False(format.Options.RequireContent);
        Assert.Equal("reason", format.Options.Tags.Think);

        var language = Assert.IsType<LanguageConsistencyReward>(registry.Create("language", Opts(("target", "zh"), ("field", "lang"))));
        Assert.Equal(ReasoningLanguage.Chinese, language.Options.Target);
        Assert.Equal("lang", language.Options.LanguageField);

        var repetition = Assert.IsType<RepetitionPenaltyReward>(registry.Create("repetition", Opts(("ngram_size", "5"), ("max_penalty", "-0.5"))));
        Assert.Equal(5, repetition.Options.NgramSize);
        Assert.Equal(-0.5, repetition.Options.MaxPenalty);

        var overlong = Assert.IsType<SoftOverlongPunishmentReward>(registry.Create("overlong", Opts(("max_len", "4096"), ("cache_len", "512"))));
        Assert.Equal(4096, overlong.Options.MaxLength);
        Assert.Equal(512, overlong.Options.CacheLength);

        var tags = Assert.IsType<TagCountReward>(registry.Create("tag_count", Opts(("own_line", "true"), ("think_opening", "in_prompt"))));
        Assert.True(tags.Options.RequireOwnLine);
        Assert.Equal(ThinkOpening.InPrompt, tags.Options.ThinkOpening);
    }

    [Fact]
    public void Cosine_wraps_the_reward_named_by_its_correctness_option()
    {
        var registry = RewardRegistry.CreateDefault();
        var cosine = Assert.IsType<CosineScaledReward>(registry.Create("cosine", Opts(("correctness", "format"), ("max_len", "300"), ("exceed_length", "-5"))));
        Assert.IsType<FormatReward>(cosine.Correctness);
        Assert.Equal(300, cosine.Options.MaxLength);
        Assert.Equal(-5.0, cosine.Options.ExceedLengthValue);
    }

    [Fact]
    public void Cosine_defaults_to_accuracy_and_names_an_unknown_correctness_reward()
    {
        var cosine = Assert.IsType<CosineScaledReward>(RewardRegistry.CreateDefault().Create("cosine"));
        Assert.Equal("accuracy", cosine.Correctness.Name);
        var error = Assert.Throws<RewardConfigurationException>(() => RewardRegistry.CreateDefault().Create("cosine", Opts(("correctness", "oracle"))));
        Assert.Contains("oracle", error.Message);
    }

    [Fact]
    public void Other_assemblies_register_names_that_specs_can_use()
    {
        var registry = RewardRegistry.CreateDefault()
            .Register("accuracy", "1 when the answer is right", o => new FixedReward(o.GetDouble("value", 1.0), "accuracy"), replace: true);
        Assert.Contains("accuracy", registry.Names);
        var cosine = Assert.IsType<CosineScaledReward>(registry.Create("cosine"));
        Assert.Equal("accuracy", cosine.Correctness.Name);

        Assert.Throws<ArgumentException>(() => registry.Register("accuracy", "again", _ => new FixedReward(0)));
        registry.Register("accuracy", "replaced", _ => new FixedReward(0, "accuracy"), replace: true);
        Assert.Equal("replaced", registry.DescriptionOf("accuracy"));
        Assert.Throws<ArgumentException>(() => registry.Register("bad name", "x", _ => new FixedReward(0)));
        Assert.Throws<ArgumentException>(() => registry.Register("x(a=1)", "x", _ => new FixedReward(0)));
    }

    [Fact]
    public async Task A_composer_comes_from_a_spec_list()
    {
        var composer = RewardRegistry.CreateDefault().CreateComposer("format(mode=lenient):0.5,tag_count:1");
        Assert.Equal([0.5, 1.0], composer.Rewards.Select(r => r.Weight));
        RewardScores scores = await composer.ScoreAsync([Inputs.Of("x <think>r</think> <answer>2</answer>")]);
        Assert.Equal(0.5 * 1.0 + 1.0 * 1.0, scores.Totals[0]);
    }

    [Fact]
    public void An_unknown_name_lists_the_known_ones()
    {
        var error = Assert.Throws<RewardConfigurationException>(() => RewardRegistry.CreateDefault().CreateComposer("format:1,acurracy:1"));
        Assert.Contains("acurracy", error.Message);
        foreach (string known in new[] { "format", "tag_count", "language", "cosine", "repetition", "overlong" })
            Assert.Contains(known, error.Message);
    }

    [Fact]
    public void An_unknown_option_lists_the_rewards_options()
    {
        var error = Assert.Throws<RewardConfigurationException>(() => RewardRegistry.CreateDefault().Create("repetition", Opts(("ngram", "3"))));
        Assert.Contains("'ngram'", error.Message);
        Assert.Contains("ngram_size", error.Message);
        Assert.Contains("max_penalty", error.Message);
    }

    [Theory]
    [InlineData("repetition", "ngram_size", "three", "whole number")]
    [InlineData("repetition", "max_penalty", "0.5", "MaxPenalty")]
    [InlineData("format", "mode", "loose", "strict, lenient, think_only")]
    [InlineData("format", "require_content", "maybe", "true or false")]
    [InlineData("format", "think_tag", "<think>", "think_tag")]
    [InlineData("language", "target", "elvish", "zh")]
    [InlineData("overlong", "cache_len", "0", "CacheLength")]
    [InlineData("cosine", "max_len", "1e3", "whole number")]
    public void Invalid_option_values_are_reported_against_the_reward(string name, string key, string value, string expectedInMessage)
    {
        var registry = RewardRegistry.CreateDefault().Register("accuracy", "stand-in", _ => new FixedReward(1, "accuracy"), replace: true);
        var error = Assert.Throws<RewardConfigurationException>(() => registry.Create(name, Opts((key, value))));
        Assert.Contains(expectedInMessage, error.Message);
        Assert.Contains(name, error.Message);
    }

    [Fact]
    public void Registering_and_creating_from_many_threads_is_safe()
    {
        var registry = RewardRegistry.CreateDefault();
        Parallel.For(0, 64, i =>
        {
            registry.Register($"extra{i}", "test", _ => new FixedReward(i, $"extra{i}"));
            Assert.IsType<FormatReward>(registry.Create("format"));
        });
        Assert.Equal(8 + 64, registry.Names.Count);
    }

    private static Dictionary<string, string> Opts(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value);
}
