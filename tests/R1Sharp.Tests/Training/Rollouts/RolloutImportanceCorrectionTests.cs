using R1Sharp.Training.Grpo;
using R1Sharp.Training.Rollouts;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Training.Rollouts;

public class RolloutImportanceCorrectionTests
{
    private static float[] Values(Tensor t) => t.data<float>().ToArray();

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    // One completion: Δ = log π_trainer − log π_sampler = 0.5 and −1.5 on its two sampled tokens; the third has no sampled log-prob.
    private static (Tensor Trainer, Tensor Sampler, Tensor Available) OneRow() => (
        tensor(new[] { -1.0f, -2.0f, -0.3f }, [1, 3]),
        tensor(new[] { -1.5f, -0.5f, 0f }, [1, 3]),
        tensor(new[] { 1f, 1f, 0f }, [1, 3]));

    [Fact]
    public void TokenTruncateCapsEachTokensRatioAndLeavesTokensWithoutASampledLogProbAtOne()
    {
        using var scope = NewDisposeScope();
        var (trainer, sampler, available) = OneRow();
        var stats = new RolloutMismatchStats();
        var w = Values(RolloutImportanceCorrection.Weights(trainer, sampler, available, ImportanceSamplingMode.TokenTruncate, 1.5, stats));
        // e^0.5 = 1.6487 > 1.5 -> 1.5; e^−1.5 = 0.2231 kept; the unsampled token 1.
        Assert.Equal(1.5f, w[0], 5);
        Assert.Equal(0.2231302f, w[1], 5);
        Assert.Equal(1f, w[2], 6);
        var metrics = new Dictionary<string, double>();
        stats.WriteTo(metrics);
        Assert.Equal(1.0, metrics["sampling/sampling_logp_difference/mean"], 5); // (0.5 + 1.5) / 2
        Assert.Equal(1.5, metrics["sampling/sampling_logp_difference/max"], 5);
        Assert.Equal(0.2231302, metrics["sampling/importance_sampling_ratio/min"], 5);
        Assert.Equal((1.5 + 0.2231302) / 2, metrics["sampling/importance_sampling_ratio/mean"], 5);
        Assert.Equal(1.5, metrics["sampling/importance_sampling_ratio/max"], 5);
        Assert.Equal(0.5, metrics["sampling/importance_sampling_ratio/clip_fraction"], 6); // one of two ratios above the cap
    }

    [Fact]
    public void TokenMaskZeroesTokensAboveTheCap()
    {
        using var scope = NewDisposeScope();
        var (trainer, sampler, available) = OneRow();
        var w = Values(RolloutImportanceCorrection.Weights(trainer, sampler, available, ImportanceSamplingMode.TokenMask, 1.5));
        Assert.Equal(0f, w[0]);
        Assert.Equal(0.2231302f, w[1], 5);
        Assert.Equal(1f, w[2]);
    }

    // Row 0: Σ Δ = 0.5 − 1.0 = −0.5 -> e^−0.5 = 0.60653. Row 1: Σ Δ = 1 + 1 = 2 -> e^2 = 7.389 > 3. Row 2: nothing sampled.
    private static (Tensor Trainer, Tensor Sampler, Tensor Available) ThreeRows() => (
        tensor(new[] { -1.0f, -2.0f, -0.2f, -0.1f, -3f, -3f }, [3, 2]),
        tensor(new[] { -1.5f, -1.0f, -1.2f, -1.1f, 0f, 0f }, [3, 2]),
        tensor(new[] { 1f, 1f, 1f, 1f, 0f, 0f }, [3, 2]));

    [Fact]
    public void SequenceTruncateGivesEveryTokenItsCompletionsCappedRatio()
    {
        using var scope = NewDisposeScope();
        var (trainer, sampler, available) = ThreeRows();
        var w = Values(RolloutImportanceCorrection.Weights(trainer, sampler, available, ImportanceSamplingMode.SequenceTruncate, 3.0));
        AssertClose([0.606531f, 0.606531f, 3f, 3f, 1f, 1f], w);
    }

    [Fact]
    public void SequenceMaskDropsCompletionsAboveTheCapAndCountsThemAsClipped()
    {
        using var scope = NewDisposeScope();
        var (trainer, sampler, available) = ThreeRows();
        var stats = new RolloutMismatchStats();
        var w = Values(RolloutImportanceCorrection.Weights(trainer, sampler, available, ImportanceSamplingMode.SequenceMask, 3.0, stats));
        AssertClose([0.606531f, 0.606531f, 0f, 0f, 1f, 1f], w);
        var metrics = new Dictionary<string, double>();
        stats.WriteTo(metrics);
        Assert.Equal((0.5 + 1.0 + 1.0 + 1.0) / 4, metrics["sampling/sampling_logp_difference/mean"], 5);
        Assert.Equal(1.0, metrics["sampling/sampling_logp_difference/max"], 5);
        Assert.Equal(0.0, metrics["sampling/importance_sampling_ratio/min"], 6);
        Assert.Equal(0.606531 / 2, metrics["sampling/importance_sampling_ratio/mean"], 5); // two completions counted, the empty one not
        Assert.Equal(0.5, metrics["sampling/importance_sampling_ratio/clip_fraction"], 6);
    }

    [Fact]
    public void PolicyLossMultipliesEachTokensSurrogateByItsWeight()
    {
        using var scope = NewDisposeScope();
        var logp = tensor(new[] { -0.5f, -1.0f, -0.7f, -2.0f }, [2, 2]).requires_grad_(true);
        var mask = tensor(new float[] { 1, 1, 1, 0 }, [2, 2]);
        var adv = tensor(new float[] { 1, -1 });
        var weights = tensor(new[] { 2f, 0f, 0.5f, 1f }, [2, 2]);
        var result = PolicyLoss.Compute(logp, logp.detach(), null, adv, mask, new PolicyLossSettings(GrpoLossType.Grpo, Beta: 0), samplingWeights: weights);
        // ρ = 1, per token −A·w: completion 0 (−2 + 0) / 2 = −1, completion 1 (+0.5) / 1 -> (−1 + 0.5) / 2.
        Assert.Equal(-0.25, result.Loss.item<float>(), 6);
        result.Loss.backward();
        Assert.Equal([-0.5f, 0f, 0.25f, 0f], logp.grad!.data<float>().ToArray());
    }

    [Fact]
    public void SamplingLogProbsLayOutOnlyRolloutsWhoseLogProbsMatchTheirTokens()
    {
        using var scope = NewDisposeScope();
        Rollout[] rollouts =
        [
            new(0, [2, 3, 1], [-0.1f, -0.2f, -0.3f], false),
            new(1, [2, 1], null, false),
            new(2, [2, 3, 1], [-0.1f, -0.2f], false), // a re-tokenization that split differently: dropped
            new(3, [4], [-0.4f], false),
        ];
        var (values, available) = RolloutImportanceCorrection.SamplingLogProbs(rollouts, 1, 3, 3, CPU);
        Assert.Equal([0f, 0f, 0f, 0f, 0f, 0f, -0.4f, 0f, 0f], Values(values));
        Assert.Equal([0f, 0f, 0f, 0f, 0f, 0f, 1f, 0f, 0f], Values(available));
    }
}
