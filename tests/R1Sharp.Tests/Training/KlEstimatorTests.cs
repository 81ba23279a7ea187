using R1Sharp.Training.Grpo;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Training;

public class KlEstimatorTests
{
    // π_θ = 0.5, π_ref = 0.25 for the sampled token: x = log π_θ − log π_ref = ln 2.
    [Theory]
    [InlineData(KlEstimator.K1, 0.6931472, 1.0)]             // x; d/dx = 1
    [InlineData(KlEstimator.K2, 0.2402265, 0.6931472)]       // x²/2 = (ln 2)²/2; d/dx = x
    [InlineData(KlEstimator.K3, 0.1931472, 0.5)]             // e^−x + x − 1 = 0.5 + ln 2 − 1; d/dx = 1 − e^−x
    [InlineData(KlEstimator.LowVarKl, 0.1931472, 0.5)]       // k3, far below the clamp
    public void EachEstimatorGivesItsValueAndGradient(KlEstimator kind, double expected, double gradient)
    {
        using var scope = NewDisposeScope();
        var logp = tensor(new[] { (float)Math.Log(0.5) }, [1, 1]).requires_grad_(true);
        var reference = tensor(new[] { (float)Math.Log(0.25) }, [1, 1]);
        var kl = KlPenalty.Estimate(kind, logp, reference);
        Assert.Equal(expected, kl.item<float>(), 5);
        kl.sum().backward();
        Assert.Equal(gradient, logp.grad!.item<float>(), 5);
    }

    [Fact]
    public void LowVarKlCapsARunawayTokenAtTen()
    {
        using var scope = NewDisposeScope();
        var logp = zeros(1, 1);
        var reference = full(1, 1, -30f);
        // k3 with the log-ratio clamped to −20: e^−20 + 20 − 1 ≈ 19; low_var_kl clamps the result to 10.
        Assert.Equal(19.0, KlPenalty.K3(logp, reference).item<float>(), 4);
        Assert.Equal(10.0, KlPenalty.LowVarKl(logp, reference).item<float>(), 6);
    }

    [Fact]
    public void TheLossUsesTheChosenEstimator()
    {
        using var scope = NewDisposeScope();
        var logp = tensor(new[] { (float)Math.Log(0.5) }, [1, 1]).requires_grad_(true);
        var reference = tensor(new[] { (float)Math.Log(0.25) }, [1, 1]);
        var result = PolicyLoss.Compute(logp, logp.detach(), reference, zeros(1), ones(1, 1), new PolicyLossSettings(Beta: 0.1) { KlEstimator = KlEstimator.K1 });
        Assert.Equal(Math.Log(2), result.Kl, 5);
        Assert.Equal(0.1 * Math.Log(2), result.Loss.item<float>(), 5);
    }

    [Fact]
    public void KlInTheRewardSubtractsBetaTimesEachCompletionsSum()
    {
        using var scope = NewDisposeScope();
        // Two completions; k1 per token = policy − reference: [0.2, 0.3 | 0.5, (padding 9)].
        var policy = tensor(new float[] { 0.2f, 0.3f, 0.5f, 9f }, [2, 2]);
        var reference = zeros(2, 2);
        var mask = tensor(new float[] { 1, 1, 1, 0 }, [2, 2]);
        var sums = GrpoObjective.CompletionKl(KlEstimator.K1, [policy], [reference], [mask]);
        Assert.Equal(0.5, sums[0], 6);
        Assert.Equal(0.5, sums[1], 6);
        Assert.Equal(new[] { 1 - 0.1 * 0.5, 0 - 0.1 * 0.5 }, GrpoObjective.PenalisedRewards([1, 0], sums, 0.1));
    }
}
