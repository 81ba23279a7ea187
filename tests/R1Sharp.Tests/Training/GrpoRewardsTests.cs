using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Metrics;

namespace R1Sharp.Tests.Training;

/// <summary>GRPO scores through <see cref="RewardComposer"/>: its guarantees hold in a step, and weights follow one rule.</summary>
public sealed class GrpoRewardsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "r1-grpo-rewards-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private sealed class NaNReward : IRewardFunction
    {
        public string Name => "broken";
        public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default) => ValueTask.FromResult<double?>(double.NaN);
    }

    [Fact]
    public async Task A_NaN_reward_stops_the_step_naming_the_function()
    {
        var (policy, reference) = ToyGrpo.Models();
        using (policy)
        using (reference)
        {
            await using var rewards = new RewardComposer([new WeightedReward(new ToyGrpo.StartsWithA()), new WeightedReward(new NaNReward())]);
            var error = await Assert.ThrowsAsync<RewardEvaluationException>(() =>
                ToyGrpo.Trainer(policy, reference, ToyGrpo.Options(1) with { SaveSteps = 0 }, _dir, rewards).RunAsync(resume: false));
            Assert.Equal("broken", error.FunctionName);
        }
    }

    [Fact]
    public async Task The_weight_scales_the_reward_the_step_trains_on()
    {
        var (policy, reference) = ToyGrpo.Models();
        using (policy)
        using (reference)
        {
            await using var rewards = new RewardComposer([new WeightedReward(new ToyGrpo.StartsWithA(), 2.5)]);
            await ToyGrpo.Trainer(policy, reference, ToyGrpo.Options(1) with { SaveSteps = 0 }, _dir, rewards).RunAsync(resume: false);
        }
        var step = Assert.Single(MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName)));
        double mean = step.Values["rewards/starts_with_a/mean"];
        Assert.InRange(mean, 0.0, 1.0);
        Assert.Equal(2.5 * mean, step.Values["reward"], 9);
    }

    [Fact]
    public void A_reward_listed_twice_is_a_configuration_error_naming_it()
    {
        var error = Assert.Throws<ConfigurationException>(() => GrpoRewards.Create("accuracy,format:0.2,accuracy:2", new GrpoOptions()));
        Assert.Contains("'accuracy'", error.Message);
        Assert.Contains("twice", error.Message);
    }

    [Fact]
    public async Task Reward_weights_apply_to_the_list_and_must_agree_with_written_weights()
    {
        var options = new GrpoOptions { RewardWeights = new Dictionary<string, double> { ["format"] = 0.2 } };
        await using (var composer = GrpoRewards.Create("accuracy,format", options))
            Assert.Equal([1.0, 0.2], composer.Rewards.Select(r => r.Weight));
        await using (var composer = GrpoRewards.Create("accuracy,format:0.2", options))
            Assert.Equal([1.0, 0.2], composer.Rewards.Select(r => r.Weight));

        var error = Assert.Throws<ConfigurationException>(() => GrpoRewards.Create("accuracy,format:0.5", options));
        Assert.Contains("0.5", error.Message);
        Assert.Contains("reward_weights.format", error.Message);
        Assert.Contains("0.2", error.Message);

        var unknown = new GrpoOptions { RewardWeights = new Dictionary<string, double> { ["fromat"] = 0.2 } };
        Assert.Contains("reward_weights.fromat", Assert.Throws<ConfigurationException>(() => GrpoRewards.Create("accuracy,format", unknown)).Message);
    }
}
