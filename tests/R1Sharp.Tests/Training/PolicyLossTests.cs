using R1Sharp.Training.Grpo;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Training;

public class PolicyLossTests
{
    // Two completions, two token slots; the second completion has one real token.
    private static (Tensor logp, Tensor mask, Tensor adv) OnPolicyBatch()
    {
        var logp = tensor(new float[] { -0.5f, -1.0f, -0.7f, -2.0f }, [2, 2]).requires_grad_(true);
        var mask = tensor(new float[] { 1, 1, 1, 0 }, [2, 2]);
        var adv = tensor(new float[] { 1, -1 });
        return (logp, mask, adv);
    }

    [Fact]
    public void SequenceMeanTokenMeanAveragesEachCompletionThenTheBatch()
    {
        using var scope = NewDisposeScope();
        var (logp, mask, adv) = OnPolicyBatch();
        var result = PolicyLoss.Compute(logp, logp.detach(), null, adv, mask, new PolicyLossSettings(GrpoLossType.Grpo, Beta: 0));
        // ρ = 1: per token −A. Completion means: −1 and +1 -> loss 0.
        Assert.Equal(0.0, result.Loss.item<float>(), 6);
        result.Loss.backward();
        var grad = logp.grad!.data<float>().ToArray();
        // dL/dlogp = −A·ρ / |o_i| / B.
        Assert.Equal(new[] { -0.25f, -0.25f, 0.5f, 0f }, grad);
        Assert.Equal(3, result.TokenCount);
    }

    [Fact]
    public void TokenMeanDividesBySumOfTokens()
    {
        using var scope = NewDisposeScope();
        var (logp, mask, adv) = OnPolicyBatch();
        var result = PolicyLoss.Compute(logp, logp.detach(), null, adv, mask, new PolicyLossSettings(GrpoLossType.Dapo, Beta: 0));
        Assert.Equal((-1 - 1 + 1) / 3.0, result.Loss.item<float>(), 6);
        result.Loss.backward();
        Assert.Equal(new[] { -1f / 3, -1f / 3, 1f / 3, 0f }, logp.grad!.data<float>().ToArray());
    }

    [Fact]
    public void DrGrpoDividesByConstantNormaliser()
    {
        using var scope = NewDisposeScope();
        var (logp, mask, adv) = OnPolicyBatch();
        var result = PolicyLoss.Compute(logp, logp.detach(), null, adv, mask,
            new PolicyLossSettings(GrpoLossType.DrGrpo, Beta: 0, MaxCompletionLength: 4));
        Assert.Equal(-1 / (2.0 * 4), result.Loss.item<float>(), 6);
    }

    [Fact]
    public void AccumulationTotalsReplaceMicroBatchCounts()
    {
        using var scope = NewDisposeScope();
        var (logp, mask, adv) = OnPolicyBatch();
        var result = PolicyLoss.Compute(logp, logp.detach(), null, adv, mask,
            new PolicyLossSettings(GrpoLossType.Dapo, Beta: 0, TotalTokens: 6));
        Assert.Equal(-1 / 6.0, result.Loss.item<float>(), 6);
    }

    [Theory]
    // log-ratio, advantage, ε_high, expected per-token loss, gradient is zero (clipped)
    [InlineData(1.5, 1.0, 0.2, -1.2, true)]    // above 1+ε with A>0: clipped, no gradient
    [InlineData(0.5, -1.0, 0.2, 0.8, true)]    // below 1−ε with A<0: clipped
    [InlineData(1.5, -1.0, 0.2, 1.5, false)]   // above 1+ε with A<0: the pessimistic unclipped term wins
    [InlineData(0.5, 1.0, 0.2, -0.5, false)]   // below 1−ε with A>0: unclipped term wins
    [InlineData(1.25, 1.0, 0.28, -1.25, false)] // clip-higher (DAPO): 1.25 < 1.28 is not clipped
    [InlineData(1.25, 1.0, 0.2, -1.2, true)]   // the same ratio clipped at the symmetric 0.2
    public void ClippingActsOnTheRightSide(double ratio, double advantage, double epsHigh, double expected, bool zeroGradient)
    {
        using var scope = NewDisposeScope();
        var old = tensor(new float[] { -1f }, [1, 1]);
        var logp = (old + (float)Math.Log(ratio)).detach().requires_grad_(true);
        var result = PolicyLoss.Compute(logp, old, null, tensor(new[] { (float)advantage }), ones(1, 1),
            new PolicyLossSettings(GrpoLossType.Grpo, EpsilonLow: 0.2, EpsilonHigh: epsHigh, Beta: 0));
        Assert.Equal(expected, result.Loss.item<float>(), 5);
        result.Loss.backward();
        float grad = logp.grad!.item<float>();
        if (zeroGradient) Assert.Equal(0f, grad);
        else Assert.Equal(-advantage * ratio, grad, 5);
    }

    [Fact]
    public void ClipMetricsCountEachSide()
    {
        using var scope = NewDisposeScope();
        var old = zeros(1, 4);
        var logp = tensor(new[] { (float)Math.Log(1.5), (float)Math.Log(0.5), (float)Math.Log(1.5), 0f }, [1, 4]);
        // One completion per row to give each token its own advantage sign.
        var result = PolicyLoss.Compute(logp.reshape(4, 1), old.reshape(4, 1), null, tensor(new float[] { 1, -1, -1, 1 }), ones(4, 1),
            new PolicyLossSettings(Beta: 0));
        Assert.Equal(0.25, result.ClipHighMean, 6);
        Assert.Equal(0.25, result.ClipLowMean, 6);
        Assert.Equal(0.5, result.ClipRegionMean, 6);
    }

    [Fact]
    public void KlTermAddsBetaTimesK3AndItsGradient()
    {
        using var scope = NewDisposeScope();
        var logp = tensor(new[] { (float)Math.Log(0.5) }, [1, 1]).requires_grad_(true);
        var reference = tensor(new[] { (float)Math.Log(0.25) }, [1, 1]);
        const double beta = 0.1;
        var result = PolicyLoss.Compute(logp, logp.detach(), reference, zeros(1), ones(1, 1), new PolicyLossSettings(Beta: beta));
        double k3 = 0.5 - Math.Log(0.5) - 1;
        Assert.Equal(k3, result.Kl, 5);
        Assert.Equal(beta * k3, result.Loss.item<float>(), 5);
        result.Loss.backward();
        // d/dx [e^(r−x) − (r−x) − 1] = 1 − e^(r−x) = 0.5.
        Assert.Equal(beta * 0.5, logp.grad!.item<float>(), 5);
    }

    [Fact]
    public void K3IsZeroForEqualPoliciesAndNonNegativeOtherwise()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(7);
        var a = randn([64], generator: gen);
        var b = randn([64], generator: gen);
        Assert.Equal(0f, KlPenalty.K3(a, a).abs().max().item<float>());
        Assert.True(KlPenalty.K3(a, b).min().item<float>() >= 0f);
        Assert.True(KlPenalty.K3(a, b).sum().item<float>() > 0f);
    }

    [Fact]
    public void TruncatedCompletionsAreMaskedOut()
    {
        using var scope = NewDisposeScope();
        var mask = CompletionMask.Build([2, 3], [false, true], maskTruncated: true, width: 3);
        Assert.Equal(new float[] { 1, 1, 0, 0, 0, 0 }, mask.data<float>().ToArray());
        var kept = CompletionMask.Build([2, 3], [false, true], maskTruncated: false, width: 3);
        Assert.Equal(new float[] { 1, 1, 0, 1, 1, 1 }, kept.data<float>().ToArray());
    }
}
