using System.CommandLine;
using R1Sharp.Checkpoints;
using R1Sharp.Cli;
using R1Sharp.Testing;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Tests.Checkpoints;
using R1Sharp.Tests.Training;
using R1Sharp.Training.Metrics;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Distributed;

/// <summary>
/// `mpirun -np 2 r1 grpo` against `mpirun -np 1 r1 grpo` on the same global batch (issue 17): the same weights after two
/// steps for every loss_type (each case also varies what else must be global: π_old with μ = 2, the batch std, dynamic
/// sampling's refills, the entropy quantile) and with LoRA; a rank killed mid-run ends the job with the rank named and the last checkpoint
/// intact, and the run resumes from it on another number of ranks; ranks given different configurations refuse to start. Tiny model, 2 steps: these are the CI's 2-rank runs.
/// </summary>
public sealed class DataParallelGrpoTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("grpo", "num_iterations=2")]
    [InlineData("dapo", "dynamic_sampling=true")]
    [InlineData("dr_grpo", "scale_rewards=batch")]
    [InlineData("lora", "loss_type=dapo")]
    [InlineData("dapo", "top_entropy_quantile=0.4")] // the entropy threshold is the quantile over both ranks' tokens
    public async Task TwoRanksTrainTheWeightsOneRankTrains(string lossType, string extra)
    {
        string model = DataParallelFixtures.TinyQwen(_dir.Combine("learning-model"));
        string data = Data();
        bool lora = lossType == "lora";
        string[] Args(string output) =>
        [
            "grpo", "--model", model, "--data", data, "--output", output, "--steps", "2",
            // Three prompts over two ranks: one rank holds one group, the other two (uneven shares on purpose).
            "--set", "num_generations=4", "--set", "prompts_per_step=3", "--set", "max_completion_length=8",
            // A sharp sampling temperature makes the random model repeat words, so the repetition reward varies within groups.
            "--set", "temperature=0.05", "--reward", "repetition(ngram_size=1)", "--set", "learning_rate=0.001",
            "--set", "weight_check_steps=1", "--set", "save_steps=1", "--set", extra,
            .. lora ? new[] { "--use-peft", "--set", "lora_dropout=0" } : ["--set", $"loss_type={lossType}"],
        ];
        string one = _dir.Combine("one"), two = _dir.Combine("two");
        using (var job = MpiJob.Start(1, Args(one)))
            Assert.True(await job.WaitForExitAsync() == 0, job.Output);
        using (var job = MpiJob.Start(2, Args(two)))
            Assert.True(await job.WaitForExitAsync() == 0, job.Output);

        string file = lora ? PeftAdapterFiles.WeightsFile : "model.safetensors";
        var single = SafetensorsWeights.Read(Path.Combine(one, "checkpoints", "checkpoint-2", file));
        var pair = SafetensorsWeights.Read(Path.Combine(two, "checkpoints", "checkpoint-2", file));
        // Relative to the largest weight of the model, not of each tensor: k_proj's bias has a zero gradient in exact
        // arithmetic (softmax ignores a shift of a row's scores), so Adam divides summation noise by its ε there.
        double difference = SafetensorsWeights.RelativeDifference(single, pair);
        // LoRA's B matrices start at zero; the full model starts as the checkpoint.
        double change = lora ? single.Where(p => p.Key.Contains("lora_B", StringComparison.Ordinal)).Max(p => p.Value.Max(x => Math.Abs((double)x)))
            : SafetensorsWeights.MaxAbsoluteDifference(single, SafetensorsWeights.Read(Path.Combine(model, file)));
        Assert.True(change > 1e-4, $"the runs did not learn (largest weight change {change}): the comparison would prove nothing");
        Assert.True(difference <= 1e-5, $"two ranks ended {difference} (relative) away from one rank");
        // Only rank 0 wrote metrics, and they are the global batch's.
        var metricsOne = MetricsLog.ReadJsonl(Path.Combine(one, MetricsLog.JsonlFileName)).ToList();
        var metricsTwo = MetricsLog.ReadJsonl(Path.Combine(two, MetricsLog.JsonlFileName)).ToList();
        Assert.Equal(new long[] { 1, 2 }, metricsTwo.Select(m => m.Step));
        Assert.Equal(metricsOne[0].Values["reward"], metricsTwo[0].Values["reward"], 1e-9);
        if (extra.StartsWith("top_entropy_quantile", StringComparison.Ordinal))
            foreach (var (first, second) in metricsOne.Zip(metricsTwo))
            {
                // Both runs kept the same share of the step's tokens, and not all of them.
                Assert.InRange(first.Values["entropy/kept_fraction"], 0.01, 0.99);
                Assert.Equal(first.Values["entropy/kept_fraction"], second.Values["entropy/kept_fraction"], 1e-9);
            }
    }

    [Fact]
    public async Task AKilledRankEndsTheJobNamingItAndTheRunResumesOnOneRank()
    {
        string model = GrpoCommandTests.WriteTinyQwen(_dir.Combine("model"));
        string output = _dir.Combine("killed");
        string[] args = ["grpo", "--model", model, "--data", Data(), "--output", output,
            "--set", "num_generations=2", "--set", "prompts_per_step=2", "--set", "max_completion_length=4", "--set", "save_steps=1", "--set", "beta=0"];
        using var job = MpiJob.Start(2, [.. args, "--steps", "1000"]);
        // Any finished checkpoint will do: with save_steps=1 the store keeps only the newest ones, so checkpoint-1 may be
        // gone before a poll sees it when steps run fast.
        while (CheckpointStore.Complete(Path.Combine(output, "checkpoints")).Count == 0)
        {
            Assert.True(job.Running, "the job ended before its first checkpoint: " + job.Output);
            await Task.Delay(100);
        }
        int rank1 = MpiJob.RankProcess(1, output) ?? throw new InvalidOperationException("rank 1 not found: " + job.Output);
        System.Diagnostics.Process.GetProcessById(rank1).Kill();

        Assert.NotEqual(0, await job.WaitForExitAsync());
        Assert.Contains("rank 1", job.Output, StringComparison.Ordinal);
        var (latest, state) = new CheckpointStore<TrainerState>(output).Latest()!.Value;
        var (reloaded, _) = HuggingFaceCheckpoint.Load(latest, CPU);
        reloaded.Dispose();

        // The run resumes from its last checkpoint with another number of ranks (one), for one more step.
        int last = state.Step;
        using var resumed = MpiJob.Start(1, [.. args, "--steps", (last + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "--resume"]);
        Assert.True(await resumed.WaitForExitAsync() == 0, resumed.Output);
        Assert.Equal(last + 1, MetricsLog.ReadJsonl(Path.Combine(output, MetricsLog.JsonlFileName)).Max(m => m.Step));
    }

    [Fact]
    public async Task RanksWithDifferentConfigurationsRefuseToStart()
    {
        string model = GrpoCommandTests.WriteTinyQwen(_dir.Combine("model"));
        string data = Data(), output = _dir.Combine("mismatch");
        string[] args = ["grpo", "--model", model, "--data", data, "--output", output, "--steps", "1", "--set", "num_generations=2", "--set", "max_completion_length=4"];
        using var job = MpiJob.StartMpmd([(1, args), (1, [.. args, "--set", "beta=0.5"])]);
        Assert.Equal(2, await job.WaitForExitAsync());
        Assert.Contains("ranks 1 were given a configuration that differs from rank 0's (rank 1: beta;", job.Output, StringComparison.Ordinal);
        // Every rank reports the error and ends on its own (no MPI_Abort): both ranks printed it.
        Assert.Equal(2, job.Output.Split("differs from rank 0's").Length - 1);
        Assert.DoesNotContain("MPI_ABORT", job.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(output, "checkpoints", "checkpoint-1")));
    }

    private string Data() => DataParallelFixtures.ArithmeticPrompts(_dir.Combine("rows.jsonl"));
}
