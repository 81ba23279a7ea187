using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Optimization;
using TorchSharp;

namespace R1Sharp.Tests.Training;

/// <summary><c>micro_batch_workers</c>: two workers train a GRPO step as one does, up to rounding, and repeat their own
/// run bit for bit (their gradient sums have a fixed order).</summary>
public sealed class GrpoMicroBatchWorkersTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-grpo-workers").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task TwoWorkersRepeatTheirRunBitForBitAndTrainAsOneUpToRounding()
    {
        // μ = 2 and β > 0: π_old and π_ref are computed by the workers too.
        var options = ToyGrpo.Options(2) with { SaveSteps = 0, NumIterations = 2, GradientAccumulationSteps = 4, LogprobChunkSize = 0 };
        var (oneWeights, oneMetrics) = await Run(options with { MicroBatchWorkers = 1 }, "one");
        var (twoWeights, twoMetrics) = await Run(options with { MicroBatchWorkers = 2 }, "two");
        var (againWeights, againMetrics) = await Run(options with { MicroBatchWorkers = 2 }, "again");

        foreach (var name in new[] { "loss", "kl", "entropy", "grad_norm", "reward" })
        {
            Assert.True(Math.Abs(oneMetrics[name] - twoMetrics[name]) <= 1e-5 * Math.Max(1, Math.Abs(oneMetrics[name])), $"{name}: {oneMetrics[name]} vs {twoMetrics[name]}");
            Assert.Equal(twoMetrics[name], againMetrics[name]);
        }
        Assert.True(oneMetrics["grad_norm"] > 0);
        foreach (var (name, value) in oneWeights)
        {
            // As GrpoMemoryOptionsTests: AdamW's √v turns 1e-7 gradient rounding into up to ~1e-5 of an update.
            Assert.True((value - twoWeights[name]).abs().max().item<float>() <= 1e-4, name);
            Assert.Equal(twoWeights[name].data<float>().ToArray(), againWeights[name].data<float>().ToArray());
        }
    }

    [Theory]
    [InlineData(0, 16, 1, false, true, 2, 1, 2)] // auto: one per core torch's single thread leaves free
    [InlineData(0, 16, 1, false, true, 8, 1, 2)] // auto: at most 2
    [InlineData(0, 16, 1, false, true, 2, 2, 1)] // auto: torch's threads take both cores
    [InlineData(0, 16, 2, false, true, 2, 1, 1)] // auto: several ranks, each a core already
    [InlineData(0, 16, 1, false, false, 2, 1, 1)] // auto: a GPU
    [InlineData(4, 16, 2, false, true, 2, 1, 4)] // an explicit count is kept
    [InlineData(4, 3, 1, false, true, 2, 1, 3)] // no more workers than micro-batches
    [InlineData(2, 1, 1, false, true, 2, 1, 1)] // one micro-batch: nothing to share
    [InlineData(2, 16, 1, true, true, 2, 1, 1)] // what must run in turn
    public void TheWorkerCountFollowsTheOptionTheCoresAndWhatMustRunInTurn(int option, int microBatches, int ranks, bool inTurnOnly, bool onCpu, int cores, int torchThreads, int expected) =>
        Assert.Equal(expected, MicroBatchWorkers.For(option, microBatches, ranks, inTurnOnly, onCpu, cores, torchThreads));

    [Fact]
    public void ActivationCheckpointingMoeRoutingAndTheRolloutCorrectionRunInTurnBf16DoesNot()
    {
        Assert.False(GrpoStep.InTurnOnly(new GrpoOptions(), routingOrCorrection: false));
        Assert.True(GrpoStep.InTurnOnly(new GrpoOptions(), routingOrCorrection: true));
        Assert.False(GrpoStep.InTurnOnly(new GrpoOptions { Bf16 = true }, false));
        Assert.True(GrpoStep.InTurnOnly(new GrpoOptions { GradientCheckpointing = true }, false));
    }

    [Fact]
    public async Task TheOptionIsReadByNameRefusedBelowZeroAndMayChangeOnResume()
    {
        var options = await GrpoOptionsFile.LoadAsync(null, ["micro_batch_workers=2"]);
        Assert.Equal(2, options.MicroBatchWorkers);
        Assert.Equal(0, new GrpoOptions().MicroBatchWorkers);
        Assert.Contains(GrpoOptionsValidator.Problems(new GrpoOptions { MicroBatchWorkers = -1 }), p => p.StartsWith("micro_batch_workers", StringComparison.Ordinal));
        Assert.Contains("micro_batch_workers", GrpoTrainer.SettingsThatMayChange);
    }

    [Fact]
    public void TheMemoryEstimateCountsEveryWorkersMicroBatchAndGradientBuffer()
    {
        var config = ToyGrpo.Config();
        var options = ToyGrpo.Options(1) with { GradientAccumulationSteps = 4 };
        var one = GrpoMemoryEstimate.Compute(10_000, config, options);
        var two = GrpoMemoryEstimate.Compute(10_000, config, options, workers: 2);
        Assert.Equal(2 * one.ActivationsBytes, two.ActivationsBytes);
        Assert.Equal(2 * one.LogitsBytes, two.LogitsBytes);
        Assert.Equal(2 * one.GradientsBytes, two.GradientsBytes);
        Assert.Equal(one.WeightsBytes + one.OptimizerBytes + one.ReferenceBytes + one.RolloutCacheBytes,
            two.WeightsBytes + two.OptimizerBytes + two.ReferenceBytes + two.RolloutCacheBytes);
        Assert.Contains("2 at once", two.ToString(), StringComparison.Ordinal);
    }

    private Task<(Dictionary<string, torch.Tensor> Weights, IReadOnlyDictionary<string, double> Metrics)> Run(GrpoOptions options, string name) =>
        ToyGrpo.TrainAsync(options, Path.Combine(_dir, name));
}
