using R1Sharp.Rewards.Composition;

namespace R1Sharp.Rewards.Tests.Composition;

public class RewardSpecTests
{
    [Fact]
    public void A_list_of_names_and_weights_parses()
    {
        var specs = RewardSpec.ParseList("format:0.5, accuracy:1,tag_count");
        Assert.Equal(["format", "accuracy", "tag_count"], specs.Select(s => s.Name));
        Assert.Equal([0.5, 1.0, 1.0], specs.Select(s => s.Weight));
    }

    [Fact]
    public void Options_in_parentheses_may_use_commas_or_semicolons()
    {
        var specs = RewardSpec.ParseList("cosine(max_len=4096, Min-Value-Wrong=-2;unit=characters):2,repetition(ngram_size=4)");
        Assert.Equal(2, specs.Count);
        Assert.Equal(2.0, specs[0].Weight);
        Assert.Equal("4096", specs[0].OptionValues["max_len"]);
        Assert.Equal("-2", specs[0].OptionValues["min_value_wrong"]);
        Assert.Equal("characters", specs[0].OptionValues["unit"]);
        Assert.Equal("4", specs[1].OptionValues["ngram_size"]);
    }

    [Fact]
    public void Negative_and_exponent_weights_parse()
    {
        Assert.Equal(-0.25, RewardSpec.Parse("overlong:-0.25").Weight);
        Assert.Equal(1e-3, RewardSpec.Parse("language:1e-3").Weight);
    }

    [Fact]
    public void ToString_round_trips()
    {
        var spec = RewardSpec.Parse("format(mode=lenient;think_tag=reason):0.3");
        Assert.Equal(spec.ToString(), RewardSpec.Parse(spec.ToString()).ToString());
        Assert.Equal(0.3, RewardSpec.Parse(spec.ToString()).Weight);
    }

    [Theory]
    [InlineData("format:abc", "abc")]
    [InlineData("format:", "weight")]
    [InlineData(":1", "name")]
    [InlineData("format(mode=strict", "never closed")]
    [InlineData("format)mode=strict(", "')'")]
    [InlineData("format(mode):1", "'mode'")]
    [InlineData("format(mode=a;mode=b)", "twice")]
    [InlineData("for mat:1", "' '")]
    [InlineData("format:1,,accuracy:1", "item 2")]
    [InlineData("format:1,", "item 2")]
    [InlineData("", "item 1")]
    [InlineData("format:NaN", "finite")]
    public void Malformed_specs_name_the_bad_part(string text, string expectedInMessage)
    {
        var error = Assert.Throws<RewardConfigurationException>(() => RewardSpec.ParseList(text));
        Assert.Contains(expectedInMessage, error.Message);
    }
}
