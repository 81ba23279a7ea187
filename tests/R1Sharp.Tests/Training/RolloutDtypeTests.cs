using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Metrics;
using TorchSharp;

namespace R1Sharp.Tests.Training;

/// <summary><c>rollout_dtype: bfloat16</c> (issue 18): in-process rollouts from a bf16 copy, the mismatch corrected.</summary>
public sealed class RolloutDtypeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-rollout-dtype").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] SamplingMetrics =
        ["sampling/sampling_logp_difference/mean", "sampling/sampling_logp_difference/max", "sampling/importance_sampling_ratio/mean", "sampling/importance_sampling_ratio/clip_fraction"];

    [Fact]
    public async Task TheBf16RolloutCopyIsThePolicyRoundedAfterEveryStepAndTheMismatchIsCorrected()
    {
        var options = ToyGrpo.Options(3) with { RolloutDtype = RolloutDtype.Bfloat16, SaveSteps = 0 };
        var (policy, reference) = ToyGrpo.Models();
        var embeddings = new List<torch.Tensor>();
        using (policy)
        using (reference)
        using (var precision = GrpoPrecision.Create(policy, options))
        {
            Assert.Same(policy, precision.TrainingForward); // the training forward stays float32
            Assert.NotSame(policy, precision.Rollouts);
            Assert.Equal(torch.ScalarType.BFloat16, precision.Rollouts.Dtype);
            Assert.True(precision.RolloutsDifferFromTraining);
            Assert.All(precision.Rollouts.parameters(), p => Assert.False(p.requires_grad));
            var copy = precision.Rollouts.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            void CheckRounded(string when)
            {
                foreach (var (name, p) in policy.named_parameters())
                    Assert.True(copy[name].eq(p.to(torch.ScalarType.BFloat16)).all().item<bool>(), $"{when}: {name} of the rollout copy is not the policy rounded to bf16");
            }
            CheckRounded("before step 1");
            var progress = new SynchronousProgress<GrpoProgress>(p =>
            {
                CheckRounded($"after step {p.Step}");
                embeddings.Add(copy.First().Value.detach().clone());
            });
            await GrpoBf16Tests.Trainer(policy, reference, precision, options, _dir).RunAsync(false, null, progress);
        }
        Assert.Equal(3, embeddings.Count);
        Assert.False(embeddings[0].eq(embeddings[2]).all().item<bool>(), "the rollout copy did not follow the updates");

        var metrics = MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName));
        Assert.Equal(3, metrics.Count);
        foreach (var m in metrics)
        {
            foreach (var name in SamplingMetrics) Assert.True(m.Values.ContainsKey(name), $"step {m.Step}: {name} missing");
            // bf16 sampling and the fp32 trainer disagree a little, never wildly on this toy.
            Assert.InRange(m.Values["sampling/sampling_logp_difference/mean"], 1e-6, 0.1);
            Assert.InRange(m.Values["sampling/importance_sampling_ratio/mean"], 0.8, 1.2);
        }
    }

    [Fact]
    public async Task Fp32RolloutsOfAnFp32RunAreNotCorrected()
    {
        var (policy, reference) = ToyGrpo.Models();
        using (policy)
        using (reference)
            await ToyGrpo.Trainer(policy, reference, ToyGrpo.Options(1) with { SaveSteps = 0 }, _dir).RunAsync(resume: false);
        var metrics = MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName));
        Assert.DoesNotContain(metrics[0].Values.Keys, k => k.StartsWith("sampling/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bf16AndRolloutDtypeAreReadUnderTheirNamesAndBadValuesAreNamed()
    {
        var options = await GrpoOptionsFile.LoadAsync(null, ["bf16=true", "rollout_dtype=bfloat16"]);
        Assert.True(options.Bf16);
        Assert.Equal(RolloutDtype.Bfloat16, options.RolloutDtype);
        Assert.Equal(RolloutDtype.Float32, (await GrpoOptionsFile.LoadAsync(null, ["rollout_dtype=float32"])).RolloutDtype);
        var e = await Assert.ThrowsAsync<ConfigurationException>(() => GrpoOptionsFile.LoadAsync(null, ["rollout_dtype=fp8"]));
        Assert.Contains("rollout_dtype", e.Message, StringComparison.Ordinal);
        Assert.Contains("bfloat16", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMemoryEstimateCountsTheBf16Copies()
    {
        var config = ToyGrpo.Config();
        var fp32 = GrpoMemoryEstimate.Compute(1000, config, new GrpoOptions { Beta = 0 });
        var rollouts = GrpoMemoryEstimate.Compute(1000, config, new GrpoOptions { Beta = 0, RolloutDtype = RolloutDtype.Bfloat16 });
        var bf16 = GrpoMemoryEstimate.Compute(1000, config, new GrpoOptions { Beta = 0, Bf16 = true });
        Assert.Equal(fp32.WeightsBytes + 2000, rollouts.WeightsBytes); // the bf16 rollout copy
        Assert.Equal(fp32.RolloutCacheBytes / 2, rollouts.RolloutCacheBytes);
        Assert.Equal(fp32.WeightsBytes + 2000, bf16.WeightsBytes); // the bf16 training copy
        Assert.Equal(fp32.GradientsBytes + 2000, bf16.GradientsBytes); // and its bf16 gradients
        Assert.Equal(fp32.ActivationsBytes / 2, bf16.ActivationsBytes);
    }
}
