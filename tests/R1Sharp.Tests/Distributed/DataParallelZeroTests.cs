using R1Sharp.Tests.Checkpoints;
using R1Sharp.Training.Metrics;

namespace R1Sharp.Tests.Distributed;

/// <summary>
/// `mpirun -np 2 r1 zero` against `mpirun -np 1 r1 zero` (issue 17): rank 0 pre-trains and evaluates the base model,
/// the RL stage shares prompt groups among the ranks, and both runs end with the same RL weights and one summary.
/// A --quick-like run made smaller (one layer, 3 pre-training steps, 2 RL steps).
/// </summary>
public sealed class DataParallelZeroTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TwoRanksTrainTheRlWeightsOneRankTrains()
    {
        string config = _dir.Combine("zero.json");
        // The tiny base model earns no reward yet; entropy_coef gives the RL steps a gradient all the same, so the
        // comparison is of weights that moved. Three prompts over two ranks: uneven shares.
        File.WriteAllText(config, """
            {"model": {"hidden": 32, "layers": 1, "heads": 2, "kv_heads": 1, "intermediate": 64},
             "pretrain": {"steps": 3, "batch_size": 4}, "held_out_per_family": 2, "eval_samples": 1, "intermediate_eval_samples": 1,
             "grpo": {"max_steps": 2, "prompts_per_step": 3, "num_generations": 2, "max_completion_length": 12, "eval_steps": 1,
                      "save_steps": 1, "entropy_coef": 0.05, "learning_rate": 0.001, "weight_check_steps": 1}}
            """);
        string one = _dir.Combine("one"), two = _dir.Combine("two");
        using (var job = MpiJob.Start(1, "zero", "--config", config, "--output", one, "--threads", "1"))
            Assert.True(await job.WaitForExitAsync() == 0, job.Output);
        using (var job = MpiJob.Start(2, "zero", "--config", config, "--output", two, "--threads", "1"))
        {
            Assert.True(await job.WaitForExitAsync() == 0, job.Output);
            Assert.Single(job.Output.Split('\n'), line => line.Contains("GRPO steps", StringComparison.Ordinal)); // one report, rank 0's
        }

        var start = SafetensorsWeights.Read(Path.Combine(one, "base", "model.safetensors"));
        Assert.Equal(0, SafetensorsWeights.RelativeDifference(start, SafetensorsWeights.Read(Path.Combine(two, "base", "model.safetensors"))));
        var single = SafetensorsWeights.Read(Path.Combine(one, "checkpoints", "checkpoint-2", "model.safetensors"));
        var pair = SafetensorsWeights.Read(Path.Combine(two, "checkpoints", "checkpoint-2", "model.safetensors"));
        double change = SafetensorsWeights.RelativeDifference(single, start);
        Assert.True(change > 1e-5, $"RL did not move the weights ({change}): the comparison would prove nothing");
        double difference = SafetensorsWeights.RelativeDifference(single, pair);
        Assert.True(difference <= 1e-5, $"two ranks ended {difference} (relative) away from one rank");
        Assert.True(File.Exists(Path.Combine(two, "summary.json")));
        Assert.Equal(new long[] { 1, 2 }, MetricsLog.ReadJsonl(Path.Combine(two, MetricsLog.JsonlFileName)).Select(m => m.Step));
    }
}
