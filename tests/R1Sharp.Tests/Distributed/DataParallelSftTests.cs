using R1Sharp.Checkpoints;
using R1Sharp.Cli;
using R1Sharp.Testing;
using R1Sharp.Tests.Checkpoints;
using R1Sharp.Training.Metrics;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Distributed;

/// <summary>
/// `mpirun -np 2 r1 sft` against `mpirun -np 1 r1 sft` on the same global batches (issue 17): each rank trains its share
/// of every step's rows and the gradients are summed, so the weights agree after every step; the run resumes on another
/// number of ranks (three, sharing four rows unevenly) and still matches one rank. Tiny model, three steps.
/// </summary>
public sealed class DataParallelSftTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TwoRanksAndThenThreeTrainTheWeightsOneRankTrains()
    {
        string model = DataParallelFixtures.TinyQwen(_dir.Combine("model"));
        string data = Data();
        // Four rows per step (2 per micro-batch × 2 micro-batches); a constant rate, so a longer resumed run keeps the schedule.
        string[] Args(string output, int steps) =>
        [
            "sft", "--model", model, "--data", data, "--output", output, "--max-steps", $"{steps}", "--batch-size", "2",
            "--gradient-accumulation", "2", "--max-length", "64", "--learning-rate", "0.001", "--lr-schedule", "constant",
            "--warmup-ratio", "0", "--save-steps", "1", "--save-total-limit", "0", "--validation-fraction", "0.2", "--eval-steps", "1",
            "--layout", "bucketed",
        ];
        string one = _dir.Combine("one"), many = _dir.Combine("many");
        using (var job = MpiJob.Start(1, Args(one, 3)))
            Assert.True(await job.WaitForExitAsync() == 0, job.Output);
        using (var job = MpiJob.Start(2, Args(many, 2)))
            Assert.True(await job.WaitForExitAsync() == 0, job.Output);
        AssertSameWeights(one, many, 2, model);
        using (var job = MpiJob.Start(3, [.. Args(many, 3), "--resume"]))
            Assert.True(await job.WaitForExitAsync() == 0, job.Output);
        AssertSameWeights(one, many, 3, model);

        // Rank 0 alone wrote metrics, and they are the global batch's (loss and validation loss over every rank's rows).
        var metricsOne = MetricsLog.ReadJsonl(Path.Combine(one, MetricsLog.JsonlFileName)).ToList();
        var metricsMany = MetricsLog.ReadJsonl(Path.Combine(many, MetricsLog.JsonlFileName)).ToList();
        Assert.Equal(new long[] { 1, 2, 3 }, metricsMany.Select(m => m.Step));
        foreach (var key in new[] { "loss", "eval_loss", "num_tokens" })
            for (int i = 0; i < 3; i++)
                Assert.Equal(metricsOne[i].Values[key], metricsMany[i].Values[key], 1e-4);
    }

    private static void AssertSameWeights(string one, string many, int step, string model)
    {
        var single = SafetensorsWeights.Read(Path.Combine(one, "checkpoints", $"checkpoint-{step}", "model.safetensors"));
        var shared = SafetensorsWeights.Read(Path.Combine(many, "checkpoints", $"checkpoint-{step}", "model.safetensors"));
        double difference = SafetensorsWeights.RelativeDifference(single, shared);
        double change = SafetensorsWeights.MaxAbsoluteDifference(single, SafetensorsWeights.Read(Path.Combine(model, "model.safetensors")));
        Assert.True(change > 1e-4, $"the run did not learn (largest weight change {change}): the comparison would prove nothing");
        Assert.True(difference <= 1e-5, $"step {step}: several ranks ended {difference} (relative) away from one rank");
    }

    private string Data()
    {
        string path = _dir.Combine("sft.jsonl");
        File.WriteAllLines(path, Enumerable.Range(1, 15).Select(i =>
            $"{{\"prompt\": \"What is {i} plus {i + 2}?\", \"completion\": \"{i} plus {i + 2} is {2 * i + 2}.{new string('!', i % 4)}\"}}"));
        return path;
    }
}
