using R1Sharp.Rewards.Length;

namespace R1Sharp.Rewards.Tests.Length;

public class SoftOverlongPunishmentRewardTests
{
    private static readonly SoftOverlongPunishmentRewardOptions Options = new() { MaxLength = 1000, CacheLength = 200 };

    private static double Score(int tokens, SoftOverlongPunishmentRewardOptions? options = null) =>
        new SoftOverlongPunishmentReward(options ?? Options).Score(Inputs.Of("text", tokens: tokens))!.Value;

    [Theory]
    [InlineData(1)]
    [InlineData(500)]
    [InlineData(800)]
    public void No_penalty_up_to_the_soft_zone(int tokens) => Assert.Equal(0.0, Score(tokens));

    [Fact]
    public void The_penalty_grows_linearly_through_the_cache_to_the_full_factor()
    {
        Assert.Equal(-0.5, Score(900), 12);
        Assert.Equal(-1.0, Score(1000), 12);
        Assert.Equal(-1.0 / 200, Score(801), 12);
        Assert.Equal(-1.0, Score(5000), 12);
    }

    [Fact]
    public void The_factor_scales_the_penalty()
    {
        var doubled = Options with { PenaltyFactor = 2 };
        Assert.Equal(2 * Score(950), Score(950, doubled), 12);
        Assert.Equal(-2.0, Score(1001, doubled), 12);
    }

    [Fact]
    public void Dapo_defaults_are_20480_and_4096()
    {
        var reward = new SoftOverlongPunishmentReward();
        Assert.Equal(0.0, reward.Penalty(20480 - 4096));
        Assert.Equal(-1.0, reward.Penalty(20480));
    }

    [Fact]
    public void The_token_count_is_required()
    {
        var error = Assert.Throws<ArgumentException>(() => new SoftOverlongPunishmentReward(Options).Score(Inputs.Of("text", tokens: 0)));
        Assert.Contains("overlong", error.Message);
    }

    [Theory]
    [InlineData(0, 0, 1.0)]
    [InlineData(100, 200, 1.0)]
    [InlineData(100, 0, 1.0)]
    [InlineData(100, 50, -1.0)]
    [InlineData(100, 50, double.PositiveInfinity)]
    public void Invalid_options_are_refused(int max, int cache, double factor) =>
        Assert.Throws<ArgumentException>(() => new SoftOverlongPunishmentReward(new() { MaxLength = max, CacheLength = cache, PenaltyFactor = factor }));
}
