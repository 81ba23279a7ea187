using R1Sharp.Rewards.Composition;
using R1Sharp.Rewards.Format;

namespace R1Sharp.Rewards.Tests.Composition;

public class RewardWeightingTests
{
    private static Dictionary<string, double> Weights(params (string Name, double Weight)[] pairs) =>
        pairs.ToDictionary(p => p.Name, p => p.Weight);

    [Fact]
    public void A_reward_listed_twice_is_refused_naming_it()
    {
        var error = Assert.Throws<RewardConfigurationException>(() => RewardRegistry.CreateDefault().CreateComposer("format:1,tag_count:1,Format(mode=lenient):0.5"));
        Assert.Contains("'Format'", error.Message);
        Assert.Contains("twice", error.Message);
    }

    [Fact]
    public void Reward_weights_fill_the_weights_the_list_does_not_write()
    {
        var specs = RewardWeighting.Apply(RewardSpec.ParseList("format,tag_count:0.5"), Weights(("FORMAT", 0.2)));
        Assert.Equal([0.2, 0.5], specs.Select(s => s.Weight));
        Assert.All(specs, s => Assert.True(s.HasWeight));
    }

    [Fact]
    public void The_same_weight_in_both_places_is_accepted()
    {
        var specs = RewardWeighting.Apply(RewardSpec.ParseList("format:0.2"), Weights(("format", 0.2)));
        Assert.Equal(0.2, Assert.Single(specs).Weight);
    }

    [Fact]
    public void Two_different_weights_for_one_reward_are_refused_naming_both()
    {
        var error = Assert.Throws<RewardConfigurationException>(() =>
            RewardWeighting.Apply(RewardSpec.ParseList("format:0.5,tag_count"), Weights(("format", 0.2))));
        Assert.Contains("'format'", error.Message);
        Assert.Contains("0.5", error.Message);
        Assert.Contains("reward_weights.format", error.Message);
        Assert.Contains("0.2", error.Message);
    }

    [Fact]
    public void A_reward_weights_name_that_is_not_a_reward_is_refused()
    {
        var error = Assert.Throws<RewardConfigurationException>(() =>
            RewardWeighting.Apply(RewardSpec.ParseList("format,tag_count"), Weights(("acuracy", 1.0))));
        Assert.Contains("reward_weights.acuracy", error.Message);
        Assert.Contains("format, tag_count", error.Message);
        Assert.Throws<RewardConfigurationException>(() => RewardWeighting.Weigh([new FormatReward()], Weights(("accuracy", 1.0))));
    }

    [Fact]
    public async Task Fixed_functions_are_weighed_by_name_and_default_to_one()
    {
        var weighted = RewardWeighting.Weigh([new FormatReward(), new TagCountReward()], Weights(("format", 0.1)));
        Assert.Equal([0.1, 1.0], weighted.Select(w => w.Weight));
        await using var composer = new RewardComposer(weighted);
        RewardScores scores = await composer.ScoreAsync([Inputs.Of("<think>r</think><answer>2</answer>")]);
        Assert.Equal(0.1 * 1.0 + 1.0 * 1.0, scores.Totals[0], 12);
    }

    [Fact]
    public void A_written_weight_is_remembered()
    {
        Assert.True(RewardSpec.Parse("format:1").HasWeight);
        Assert.False(RewardSpec.Parse("format").HasWeight);
        Assert.False(RewardSpec.Parse("format(mode=lenient)").HasWeight);
    }
}
