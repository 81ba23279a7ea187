using System.Text.Json;
using R1Sharp.Rewards.Composition;
using R1Sharp.Rewards.Format;

namespace R1Sharp.Rewards.Tests.Composition;

public class RewardSpecJsonTests
{
    private static IReadOnlyList<RewardSpec> Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return RewardSpecJson.Parse(doc.RootElement.GetProperty("rewards"), "rewards");
    }

    [Fact]
    public void A_spec_string_parses_as_on_the_command_line()
    {
        var specs = Parse("""{"rewards": "format:0.5,tag_count"}""");
        Assert.Equal(["format", "tag_count"], specs.Select(s => s.Name));
        Assert.Equal([0.5, 1.0], specs.Select(s => s.Weight));
    }

    [Fact]
    public void Entries_with_name_weight_and_options_parse()
    {
        var specs = Parse("""
            {"rewards": [
              {"name": "format", "weight": 0.5, "options": {"mode": "think_only", "require_content": false}},
              "repetition(ngram_size=4):-0.2",
              {"name": "cosine", "options": {"max-len": 4096, "exceed_length": null}}
            ]}
            """);
        Assert.Equal(["format", "repetition", "cosine"], specs.Select(s => s.Name));
        Assert.Equal([0.5, -0.2, 1.0], specs.Select(s => s.Weight));
        Assert.Equal("think_only", specs[0].OptionValues["mode"]);
        Assert.Equal("false", specs[0].OptionValues["require_content"]);
        Assert.Equal("4096", specs[2].OptionValues["max_len"]);
        Assert.Equal("none", specs[2].OptionValues["exceed_length"]);

        var format = Assert.IsType<FormatReward>(RewardRegistry.CreateDefault().Create(specs[0]));
        Assert.Equal(FormatMode.ThinkOnly, format.Options.Mode);
        Assert.False(format.Options.RequireContent);
    }

    [Fact]
    public void A_name_to_weight_object_parses()
    {
        var specs = Parse("""{"rewards": {"format": 0.5, "language": "2"}}""");
        Assert.Equal(["format", "language"], specs.Select(s => s.Name));
        Assert.Equal([0.5, 2.0], specs.Select(s => s.Weight));
    }

    [Theory]
    [InlineData("""{"rewards": 3}""", "rewards: expected")]
    [InlineData("""{"rewards": []}""", "empty")]
    [InlineData("""{"rewards": [{"weight": 1}]}""", "rewards[0]: the reward entry has no name")]
    [InlineData("""{"rewards": [{"name": "format", "weight": "heavy"}]}""", "rewards[0].weight")]
    [InlineData("""{"rewards": [{"name": "format", "wieght": 1}]}""", "unknown key 'wieght'")]
    [InlineData("""{"rewards": [{"name": "format", "options": {"mode": ["a"]}}]}""", "rewards[0].options.mode")]
    [InlineData("""{"rewards": ["format:1", 7]}""", "rewards[1]")]
    [InlineData("""{"rewards": ["format:x"]}""", "rewards[0]: Reward spec 'format:x'")]
    [InlineData("""{"rewards": {"for mat": 1}}""", "rewards.for mat")]
    public void Bad_config_values_name_their_path(string json, string expected)
    {
        var error = Assert.Throws<RewardConfigurationException>(() => Parse(json));
        Assert.Contains(expected, error.Message);
    }
}
