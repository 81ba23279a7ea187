using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;

namespace R1Sharp.Tests.Training;

public class GrpoFamilyOptionsTests
{
    [Fact]
    public void DefaultsLeaveTheObjectiveAsItWas()
    {
        var options = new GrpoOptions();
        Assert.Empty(GrpoOptionsValidator.Problems(options));
        var settings = GrpoObjective.LossSettings(options, hasReference: true, sequences: 4, lossTokens: 10, microBatches: 2, entropyTokens: null);
        Assert.Equal(new PolicyLossSettings(GrpoLossType.Grpo, 0.2, 0.2, 0.001, 256, 4, 10) { TotalEntropyTokens = 10, MicroBatchCount = 2 }, settings);
    }

    [Fact]
    public async Task TrlAndVerlNamesAndValuesAreRead()
    {
        var options = await GrpoOptionsFile.LoadAsync(null, [
            "importance_sampling_level=sequence", "loss_type=cispo", "epsilon_high=5", "adv_estimator=reinforce_plus_plus_baseline",
            "kl_penalty=low_var_kl", "use_kl_in_reward=true", "sync_ref_model=true", "ref_model_mixup_alpha=0.5", "ref_model_sync_steps=2",
            "top_entropy_quantile=0.2", "entropy_coef=0.01", "logprob_chunk_size=0"]);
        Assert.Equal(ImportanceSamplingLevel.Sequence, options.ImportanceSamplingLevel);
        Assert.Equal(GrpoLossType.Cispo, options.LossType);
        Assert.Equal(AdvantageEstimator.ReinforcePlusPlusBaseline, options.AdvEstimator);
        Assert.Equal(KlEstimator.LowVarKl, options.KlLossType);
        Assert.True(options.UseKlInReward && options.SyncRefModel);
        Assert.Equal(0.5, options.RefModelMixupAlpha);
        Assert.Equal(2, options.RefModelSyncSteps);
        Assert.Equal(0.2, options.TopEntropyQuantile);

        var dual = await GrpoOptionsFile.LoadAsync(null, ["clip_ratio_c=3"]); // veRL's dual clip is TRL's delta
        Assert.Equal(3.0, dual.Delta);
    }

    [Fact]
    public void SequenceLevelUsesGspoClipRangeButCispoKeepsItsCap()
    {
        var gspo = new GrpoOptions { ImportanceSamplingLevel = ImportanceSamplingLevel.Sequence };
        var settings = GrpoObjective.LossSettings(gspo, true, 1, 1, 1, null);
        Assert.Equal((3e-4, 4e-4), (settings.EpsilonLow, settings.EpsilonHigh));
        var cispo = GrpoObjective.LossSettings(gspo with { LossType = GrpoLossType.Cispo, EpsilonHigh = 5 }, true, 1, 1, 1, null);
        Assert.Equal(5, cispo.EpsilonHigh);
        var inReward = GrpoObjective.LossSettings(new GrpoOptions { UseKlInReward = true }, true, 1, 1, 1, null);
        Assert.Equal(0, inReward.Beta); // the KL is in the reward, not the loss
    }

    [Theory]
    [InlineData("epsilon_high=0.3", "epsilon_high: is the token-level clip")]
    [InlineData("epsilon=3e-4", "epsilon: is the token-level clip")]
    [InlineData("sequence_epsilon=0", "sequence_epsilon: must be in (0, 1)")]
    public Task SequenceLevelRefusesTokenClipKeys(string pair, string message) =>
        AssertRefused(["importance_sampling_level=sequence", pair], message);

    [Theory]
    [InlineData(new[] { "loss_type=cispo" }, "epsilon_high: with loss_type = cispo")]
    [InlineData(new[] { "delta=1.1" }, "delta: must exceed 1 + epsilon_high = 1.2")]
    [InlineData(new[] { "loss_type=sapo", "delta=4" }, "delta: caps the clipped surrogate's ratio and has no effect with loss_type = sapo")]
    [InlineData(new[] { "sapo_temperature_neg=0" }, "sapo_temperature_neg: must be a finite number > 0")]
    [InlineData(new[] { "entropy_coef=0.01" }, "entropy_coef: needs the entropy's gradient")]
    [InlineData(new[] { "entropy_coef=-1", "logprob_chunk_size=0" }, "entropy_coef: must be a finite number ≥ 0")]
    [InlineData(new[] { "top_entropy_quantile=1.5" }, "top_entropy_quantile: must be in [0, 1]")]
    [InlineData(new[] { "use_kl_in_reward=true", "beta=0" }, "use_kl_in_reward: needs beta > 0")]
    [InlineData(new[] { "adv_estimator=rloo", "scale_rewards=batch" }, "scale_rewards: applies to adv_estimator = grpo only")]
    [InlineData(new[] { "sync_ref_model=true", "beta=0" }, "sync_ref_model: needs beta > 0")]
    [InlineData(new[] { "sync_ref_model=true", "use_peft=true" }, "sync_ref_model: is not supported with use_peft")]
    [InlineData(new[] { "ref_model_mixup_alpha=1.5" }, "ref_model_mixup_alpha: must be in [0, 1]")]
    [InlineData(new[] { "ref_model_sync_steps=0" }, "ref_model_sync_steps: must be at least 1")]
    [InlineData(new[] { "kl_loss_type=k4" }, "kl_loss_type")]
    [InlineData(new[] { "adv_estimator=gae" }, "adv_estimator")]
    public Task BadCombinationsAreRefusedNamingTheKey(string[] pairs, string message) => AssertRefused(pairs, message);

    private static async Task AssertRefused(string[] pairs, string message)
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => GrpoOptionsFile.LoadAsync(null, pairs));
        Assert.Contains(message, error.Message);
    }
}
