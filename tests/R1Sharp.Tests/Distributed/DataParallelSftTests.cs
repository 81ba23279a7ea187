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
        string model = TinyQwen(_dir.Combine("model"));
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
        var single = Read(Path.Combine(one, "checkpoints", $"checkpoint-{step}", "model.safetensors"));
        var shared = Read(Path.Combine(many, "checkpoints", $"checkpoint-{step}", "model.safetensors"));
        Assert.Equal(single.Keys.Order(), shared.Keys.Order());
        double largest = single.Values.Max(v => v.Max(x => Math.Abs((double)x)));
        double difference = single.Keys.Max(k => MaxAbsoluteDifference(single[k], shared[k])) / largest;
        var start = Read(Path.Combine(model, "model.safetensors"));
        double change = single.Keys.Max(k => MaxAbsoluteDifference(single[k], start[k]));
        Assert.True(change > 1e-4, $"the run did not learn (largest weight change {change}): the comparison would prove nothing");
        Assert.True(difference <= 1e-5, $"step {step}: several ranks ended {difference} (relative) away from one rank");
    }

    /// <summary>`r1 new-model`: a one-layer random Qwen2 with the Qwen2.5 tokenizer and chat template.</summary>
    internal static string TinyQwen(string model)
    {
        int code = CliApp.BuildRoot().Parse(["new-model", "--config", SharedData.Path("hf", "Qwen2.5-0.5B-Instruct", "config.json"), "--output", model,
            "--layers", "1", "--hidden", "32", "--heads", "2", "--kv-heads", "1", "--intermediate", "64", "--seed", "0"]).Invoke();
        Assert.Equal(0, code);
        foreach (var file in new[] { "vocab.json", "merges.txt", "tokenizer_config.json", "generation_config.json" })
            File.Copy(SharedData.Path("hf", "Qwen2.5-7B-Instruct", file), Path.Combine(model, file), overwrite: true);
        return model;
    }

    private string Data()
    {
        string path = _dir.Combine("sft.jsonl");
        File.WriteAllLines(path, Enumerable.Range(1, 15).Select(i =>
            $"{{\"prompt\": \"What is {i} plus {i + 2}?\", \"completion\": \"{i} plus {i + 2} is {2 * i + 2}.{new string('!', i % 4)}\"}}"));
        return path;
    }

    private static Dictionary<string, float[]> Read(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return file.Entries.Keys.ToDictionary(k => k, k =>
        {
            using var t = file.Read(k, CPU, ScalarType.Float32);
            return t.data<float>().ToArray();
        });
    }

    private static double MaxAbsoluteDifference(float[] a, float[] b) => a.Zip(b).Max(p => Math.Abs((double)p.First - p.Second));
}
