using R1Sharp.Rewards.Code;
using R1Sharp.Rewards.Composition;

namespace R1Sharp.Rewards.Tests.Code;

public sealed class CodeRewardRegistrationTests
{
    [Fact]
    public void Code_spec_options_reach_the_reward()
    {
        var registry = CodeRewardRegistration.Register(new RewardRegistry());
        using var reward = Assert.IsType<CodeExecutionReward>(registry.Create(
            "code", new Dictionary<string, string> { ["mode"] = "all_or_nothing", ["time_limit"] = "2", ["float_tolerance"] = "1e-6", ["memory_mb"] = "256", ["language"] = "cpp" }));
        Assert.Equal("code", reward.Name);
        Assert.Equal(CodeRewardMode.AllOrNothing, reward.Options.Mode);
        Assert.Equal(TimeSpan.FromSeconds(2), reward.Options.Judge.Limits.CpuTime);
        Assert.Equal(TimeSpan.FromSeconds(10), reward.Options.Judge.Limits.WallClock);
        Assert.Equal(256L << 20, reward.Options.Judge.Limits.AddressSpaceBytes);
        Assert.Equal(1e-6, reward.Options.Judge.FloatTolerance);
        Assert.Equal(CodeLanguage.Cpp, reward.Options.DefaultLanguage);
    }

    [Fact]
    public void Bad_code_options_are_configuration_errors()
    {
        var registry = CodeRewardRegistration.Register(new RewardRegistry());
        var language = Assert.Throws<RewardConfigurationException>(() => registry.Create("code", new Dictionary<string, string> { ["language"] = "cobol" }));
        Assert.Contains("'cobol' is not supported", language.Message);
        Assert.ThrowsAny<Exception>(() => registry.Create("code", new Dictionary<string, string> { ["mode"] = "sometimes" }));
        var limit = Assert.Throws<RewardConfigurationException>(() => registry.Create("code", new Dictionary<string, string> { ["time_limit"] = "-1" }));
        Assert.Contains("CpuTime", limit.Message);
    }
}
