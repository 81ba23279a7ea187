using TorchSharp;

namespace R1Sharp.Tests.Training;

/// <summary>Chunked log-probabilities and activation checkpointing change memory, not the update: a GRPO step with both
/// (and μ = 2, so π_old and π_ref go through the chunked path too) ends at the plain step's weights and metrics.</summary>
public sealed class GrpoMemoryOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-grpo-memory").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ChunkedLogProbsWithCheckpointingGiveThePlainStepsUpdate()
    {
        var options = ToyGrpo.Options(1) with { SaveSteps = 0, NumIterations = 2, Temperature = 0.8, GradientAccumulationSteps = 2 };
        var (plainWeights, plainMetrics) = await Run(options with { LogprobChunkSize = 0, GradientCheckpointing = false }, "plain");
        var (lightWeights, lightMetrics) = await Run(options with { LogprobChunkSize = 3, GradientCheckpointing = true }, "light");

        foreach (var name in new[] { "loss", "kl", "entropy", "grad_norm" })
            Assert.True(Math.Abs(plainMetrics[name] - lightMetrics[name]) <= 1e-5 * Math.Max(1, Math.Abs(plainMetrics[name])), $"{name}: {plainMetrics[name]} vs {lightMetrics[name]}");
        Assert.True(plainMetrics["grad_norm"] > 0);
        foreach (var (name, value) in plainWeights)
        {
            float diff = (value - lightWeights[name]).abs().max().item<float>();
            // AdamW divides by √v, so an entry whose gradient is ~0 turns a 1e-7 rounding difference into a visible one;
            // 1e-4 is 0.5% of one update at this learning rate (2e-2), far below what a wrong gradient would give.
            Assert.True(diff <= 1e-4, $"{name}: largest difference {diff}");
        }
    }

    private Task<(Dictionary<string, torch.Tensor> Weights, IReadOnlyDictionary<string, double> Metrics)> Run(R1Sharp.Training.Configuration.GrpoOptions options, string name) =>
        ToyGrpo.TrainAsync(options, Path.Combine(_dir, name));
}
