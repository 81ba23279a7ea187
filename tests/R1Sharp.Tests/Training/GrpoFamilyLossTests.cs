using R1Sharp.Training.Grpo;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Training;

/// <summary>Issue 20's objectives against hand-computed values: GSPO, CISPO, SAPO, BNPO, δ, the entropy mask and bonus.</summary>
public class GrpoFamilyLossTests
{
    private static Tensor Leaf(params double[] values) => tensor(values.Select(v => (float)v).ToArray(), [1, values.Length]).requires_grad_(true);

    [Fact]
    public void SequenceLevelUsesOneLengthNormalisedRatioPerCompletion()
    {
        using var scope = NewDisposeScope();
        // Log-ratios 0.4 and 0 on the two real tokens; the padded third (log-ratio 5) must not count.
        var old = zeros(1, 3);
        var logp = Leaf(0.4, 0, 5);
        var mask = tensor(new float[] { 1, 1, 0 }, [1, 3]);
        var settings = new PolicyLossSettings(GrpoLossType.Grpo, EpsilonLow: 3e-4, EpsilonHigh: 4e-4, Beta: 0) { ImportanceSamplingLevel = ImportanceSamplingLevel.Sequence };
        var result = PolicyLoss.Compute(logp, old, null, tensor(new float[] { -1 }), mask, settings);
        // s = exp((0.4 + 0)/2) = 1.2214; A < 0: −min(−s, −clip(s)) = s, and the sequence loss is the token mean of s.
        double s = Math.Exp(0.2);
        Assert.Equal(s, result.Loss.item<float>(), 5);
        result.Loss.backward();
        // ds/dx_t = s / |y| for each real token; nothing for padding.
        var grad = logp.grad!.data<float>().ToArray();
        Assert.Equal(s / 2, grad[0], 5);
        Assert.Equal(s / 2, grad[1], 5);
        Assert.Equal(0f, grad[2]);
        Assert.Equal(s, Assert.Single(result.SequenceRatios), 5);
        Assert.Equal(0.0, result.ClipRegionMean); // A < 0 and s above the range: the pessimistic unclipped term, not a clip
    }

    [Fact]
    public void SequenceRatioAboveGspoRangeWithPositiveAdvantageIsClippedForEveryToken()
    {
        using var scope = NewDisposeScope();
        var logp = Leaf(0.4, 0);
        var settings = new PolicyLossSettings(GrpoLossType.Grpo, EpsilonLow: 3e-4, EpsilonHigh: 4e-4, Beta: 0) { ImportanceSamplingLevel = ImportanceSamplingLevel.Sequence };
        var result = PolicyLoss.Compute(logp, zeros(1, 2), null, tensor(new float[] { 1 }), ones(1, 2), settings);
        Assert.Equal(-(1 + 4e-4), result.Loss.item<float>(), 6);
        Assert.Equal(1.0, result.ClipHighMean, 6); // both tokens share the clipped sequence ratio
        result.Loss.backward();
        Assert.All(logp.grad!.data<float>().ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void TokenLevelOnTheSameTokensDiffers()
    {
        using var scope = NewDisposeScope();
        var logp = Leaf(0.4, 0);
        var result = PolicyLoss.Compute(logp, zeros(1, 2), null, tensor(new float[] { -1 }), ones(1, 2), new PolicyLossSettings(Beta: 0));
        // Token ratios e^0.4 = 1.4918 and 1: per-token losses 1.4918 and 1, mean 1.2459.
        Assert.Equal((Math.Exp(0.4) + 1) / 2, result.Loss.item<float>(), 5);
    }

    [Theory]
    // ratio, cap ε_max, expected weight (= −gradient for A = 1)
    [InlineData(2.0, 5.0, 2.0)]
    [InlineData(2.0, 1.5, 1.5)] // clipped weight, gradient still non-zero (PPO's clip would give 0)
    public void CispoDetachesTheCappedWeightAndKeepsTheGradient(double ratio, double cap, double weight)
    {
        using var scope = NewDisposeScope();
        var old = tensor(new float[] { -1f }, [1, 1]);
        var logp = (old + (float)Math.Log(ratio)).detach().requires_grad_(true);
        var result = PolicyLoss.Compute(logp, old, null, tensor(new float[] { 1 }), ones(1, 1),
            new PolicyLossSettings(GrpoLossType.Cispo, EpsilonHigh: cap, Beta: 0));
        // −w·A·log π_θ with log π_θ = −1 + ln 2.
        Assert.Equal(-weight * (-1 + Math.Log(2)), result.Loss.item<float>(), 5);
        result.Loss.backward();
        Assert.Equal(-weight, logp.grad!.item<float>(), 5);
        Assert.Equal(ratio > cap ? 1.0 : 0.0, result.TokenMeans["cispo_clip_ratio"]);
    }

    [Theory]
    // log-ratio, advantage, expected loss, expected gradient
    [InlineData(0.0, 1.0, -2.0, -1.0)]                        // ρ = 1: (4/τ)σ(0) = 2, gradient = GRPO's −A
    [InlineData(0.0, -1.0, 4 * 0.5 / 1.05, 1.0)]              // τ_neg = 1.05 for A ≤ 0
    [InlineData(0.5, 1.0, -2.6268889844843373, -1.48673861055975)] // ρ = e^0.5: −4σ(ρ−1), gradient −4σ(1−σ)ρA
    public void SapoIsASoftGateWithGrpoGradientOnPolicy(double logRatio, double advantage, double expected, double gradient)
    {
        using var scope = NewDisposeScope();
        var old = zeros(1, 1);
        var logp = tensor(new[] { (float)logRatio }, [1, 1]).requires_grad_(true);
        var result = PolicyLoss.Compute(logp, old, null, tensor(new[] { (float)advantage }), ones(1, 1), new PolicyLossSettings(GrpoLossType.Sapo, Beta: 0));
        Assert.Equal(expected, result.Loss.item<float>(), 5);
        result.Loss.backward();
        Assert.Equal(gradient, logp.grad!.item<float>(), 5);
    }

    [Fact]
    public void BnpoNormalisesByTheMicroBatchTokensAndAveragesMicroBatches()
    {
        using var scope = NewDisposeScope();
        var logp = tensor(new float[] { -0.5f, -1.0f, -0.7f, -2.0f }, [2, 2]).requires_grad_(true);
        var mask = tensor(new float[] { 1, 1, 1, 0 }, [2, 2]);
        // TotalTokens (the step's) is ignored: BNPO divides by this micro-batch's 3 tokens, then by 2 micro-batches.
        var result = PolicyLoss.Compute(logp, logp.detach(), null, tensor(new float[] { 1, -1 }), mask,
            new PolicyLossSettings(GrpoLossType.Bnpo, Beta: 0, TotalTokens: 6) { MicroBatchCount = 2 });
        Assert.Equal((-1 - 1 + 1) / 3.0 / 2, result.Loss.item<float>(), 6);
    }

    [Theory]
    // log-ratio ln 5, advantage, δ, expected loss
    [InlineData(-1.0, null, 5.0)]
    [InlineData(-1.0, 3.0, 3.0)] // δ bounds the loss of a negative-advantage token whose ratio ran away
    [InlineData(1.0, 3.0, -1.2)] // positive advantages are untouched (clipped at 1 + ε as always)
    public void DeltaCapsTheUnclippedRatio(double advantage, double? delta, double expected)
    {
        using var scope = NewDisposeScope();
        var old = zeros(1, 1);
        var logp = tensor(new[] { (float)Math.Log(5) }, [1, 1]).requires_grad_(true);
        var result = PolicyLoss.Compute(logp, old, null, tensor(new[] { (float)advantage }), ones(1, 1),
            new PolicyLossSettings(Beta: 0) { Delta = delta });
        Assert.Equal(expected, result.Loss.item<float>(), 5);
        result.Loss.backward();
        // Unclipped and A < 0 without δ: gradient −Aρ = 5; capped or clipped: 0.
        Assert.Equal(delta is null ? 5f : 0f, logp.grad!.item<float>(), 4);
        if (delta is not null) Assert.Equal(advantage < 0 ? 1.0 : 0.0, result.TokenMeans["clip_ratio/delta_mean"]);
    }

    [Fact]
    public void EntropyMaskDropsPolicyTermsButNotTheNormaliser()
    {
        using var scope = NewDisposeScope();
        var logp = tensor(new float[] { -0.5f, -1.0f, -0.7f, -2.0f }, [2, 2]).requires_grad_(true);
        var mask = tensor(new float[] { 1, 1, 1, 0 }, [2, 2]);
        var keep = tensor(new float[] { 1, 0, 1, 0 }, [2, 2]);
        var result = PolicyLoss.Compute(logp, logp.detach(), null, tensor(new float[] { 1, -1 }), mask,
            new PolicyLossSettings(GrpoLossType.Dapo, Beta: 0), entropyMask: keep);
        Assert.Equal(0.0, result.Loss.item<float>(), 6); // (−1 + 1) / 3
        result.Loss.backward();
        Assert.Equal(new[] { -1f / 3, 0f, 1f / 3, 0f }, logp.grad!.data<float>().ToArray());
    }

    [Fact]
    public void EntropyBonusSubtractsTheMeanEntropyOfTheLossTokens()
    {
        using var scope = NewDisposeScope();
        var logp = tensor(new float[] { -0.5f, -1.0f, -0.7f, -2.0f }, [2, 2]).requires_grad_(true);
        var mask = tensor(new float[] { 1, 1, 1, 0 }, [2, 2]);
        var entropy = tensor(new float[] { 0.5f, 1.0f, 1.5f, 9f }, [2, 2]).requires_grad_(true);
        var result = PolicyLoss.Compute(logp, logp.detach(), null, tensor(new float[] { 1, -1 }), mask,
            new PolicyLossSettings(GrpoLossType.Dapo, Beta: 0) { EntropyCoefficient = 0.1 }, entropy);
        // DAPO's −1/3, minus 0.1 × mean(0.5, 1.0, 1.5) = 0.1.
        Assert.Equal(-1 / 3.0 - 0.1, result.Loss.item<float>(), 6);
        result.Loss.backward();
        Assert.Equal(new[] { -0.1f / 3, -0.1f / 3, -0.1f / 3, 0f }, entropy.grad!.data<float>().ToArray());
    }

    [Fact]
    public void TopEntropyThresholdKeepsTheRequestedShareOfCountedTokens()
    {
        using var scope = NewDisposeScope();
        var entropy = tensor(new float[] { 0.1f, 0.5f, 0.9f, 0.3f, 2.0f });
        var mask = tensor(new float[] { 1, 1, 1, 1, 0 }); // the padded 2.0 must not count
        // Quantile 0.5 of {0.1, 0.3, 0.5, 0.9} with linear interpolation: 0.4.
        double threshold = EntropyMask.Threshold(entropy, mask, 0.5);
        Assert.Equal(0.4, threshold, 6);
        Assert.Equal(new float[] { 0, 1, 1, 0, 0 }, EntropyMask.Keep(entropy, mask, threshold).data<float>().ToArray());
        Assert.Equal(0.9, EntropyMask.Threshold(entropy, mask, 0), 6); // ρ = 0: only the highest
        Assert.Equal(new float[] { 1, 1, 1, 1, 0 }, EntropyMask.Keep(entropy, mask, EntropyMask.Threshold(entropy, mask, 1)).data<float>().ToArray());
    }
}
