using R1Sharp.Models;
using R1Sharp.Training.Metrics;

namespace R1Sharp.Tests.Training;

/// <summary>GRPO on the newer architectures: the toy problem's expected reward rises on each of them.</summary>
public sealed class ArchitectureGrpoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-grpo-arch").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AFewStepsOnAQwen3ModelRaiseTheExpectedReward()
    {
        // Attention 2 x 24 = 48 wide over a 32-wide residual stream, q_norm/k_norm, no biases: Qwen3's shape in small.
        await RaisesTheExpectedReward(ToyGrpo.Config() with { ModelType = ModelConfig.Qwen3, ExplicitHeadDim = 24 }, "q_norm.weight");
    }

    [Fact]
    public async Task AFewStepsOnAQwen3MoeModelRaiseTheExpectedReward()
    {
        var moe = new MoeSettings(4, 2, 16, true, 1, [], 0.001);
        await RaisesTheExpectedReward(ToyGrpo.Config() with { ModelType = ModelConfig.Qwen3Moe, ExplicitHeadDim = 24, Moe = moe }, "mlp.experts.3.down_proj.weight");
    }

    private async Task RaisesTheExpectedReward(ModelConfig config, string parameterSuffix)
    {
        var (policy, reference) = ToyGrpo.Models(config);
        using (policy)
        using (reference)
        {
            Assert.Contains(policy.named_parameters(), p => p.name.EndsWith(parameterSuffix, StringComparison.Ordinal));
            double before = ToyGrpo.ExpectedReward(policy);
            await ToyGrpo.Trainer(policy, reference, ToyGrpo.Options(6) with { SaveSteps = 0 }, _dir).RunAsync(resume: false);
            double after = ToyGrpo.ExpectedReward(policy);
            Assert.True(after > before + 0.1, $"expected reward {before:0.000} -> {after:0.000}");
        }
        var metrics = MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName));
        Assert.Equal(6, metrics.Count);
        Assert.All(metrics, m => Assert.True(double.IsFinite(m.Values["loss"]), "loss must stay finite"));
    }
}
