using System.CommandLine;
using R1Sharp.Checkpoints;
using R1Sharp.Cli;
using R1Sharp.Models.Lora;
using R1Sharp.Rewards.Composition;
using R1Sharp.Serving;
using R1Sharp.Serving.Http;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Metrics;
using R1Sharp.Training.Rollouts;
using TorchSharp;

namespace R1Sharp.Tests.Training;

/// <summary>`r1 grpo`, `r1 sft` and `r1 merge-lora` with LoRA, in-process, on a tiny random Qwen2 with the real tokenizer.</summary>
public sealed class LoraTrainingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-lora").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static int Run(params string[] args) => CliApp.BuildRoot().Parse(args).Invoke();

    /// <summary>
    /// In its own process: LoRA dropout draws from torch's process-wide generator (seeded per step), which tests
    /// running in parallel in this process would also draw from.
    /// </summary>
    private static async Task<int> RunProcessAsync(params string[] args)
    {
        using var run = R1Sharp.Tests.Cli.CliProcess.Start(args);
        int exit = await run.WaitForExitAsync();
        Assert.True(exit == 0, $"r1 {args[0]} exited {exit}: {run.Stderr}");
        return exit;
    }

    private string Rows(string name, params string[] lines)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static float MaxAbsLoraB(string adapterDirectory)
    {
        using var file = SafetensorsFile.Open(Path.Combine(adapterDirectory, PeftAdapterFiles.WeightsFile));
        return file.Entries.Keys.Where(n => n.EndsWith("lora_B.weight", StringComparison.Ordinal))
            .Max(n => { using var t = file.Read(n); return t.abs().max().item<float>(); });
    }

    [Fact]
    public async Task GrpoWithLoraLearnsTheToyTaskAgainstTheBaseAsReferenceAndResumesExactly()
    {
        var options = ToyGrpo.Options(12) with { UsePeft = true, LoraRank = 4, LoraAlpha = 16, LoraDropout = 0, LoraTargetModules = LoraOptions.AllLinear, LearningRate = 5e-2 };
        async Task<(double Before, double After, byte[] Adapter, bool BaseUnchanged)> TrainAsync(string dir, int? stopAfter)
        {
            using var policy = R1Sharp.Models.CausalLanguageModel.Create(ToyGrpo.Config(), torch.CPU, torch.ScalarType.Float32, 3);
            var baseWeights = policy.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
            using var lora = LoraModel.Attach(policy, options.Lora!, seed: 9);
            double before = ToyGrpo.ExpectedReward(policy);
            GrpoTrainer Trainer(GrpoOptions o) => new(policy, policy, new ToyGrpo.LetterTokenizer(), new InProcessRolloutEngine(policy),
                new RewardComposer([new WeightedReward(new ToyGrpo.StartsWithA())]), new ToyGrpo.FixedPrompts(), o, new LoraPolicyCheckpoint(lora, null), dir);
            if (stopAfter is int k)
            {
                await Trainer(options with { MaxSteps = k }).RunAsync(resume: false);
                RandomizeAdapters(lora); // what the resume must overwrite
            }
            await Trainer(options).RunAsync(resume: stopAfter is not null);
            bool unchanged = policy.state_dict().All(p => p.Value.eq(baseWeights[p.Key]).all().item<bool>());
            return (before, ToyGrpo.ExpectedReward(policy), File.ReadAllBytes(Path.Combine(dir, "checkpoints", "checkpoint-12", PeftAdapterFiles.WeightsFile)), unchanged);
        }

        var straight = await TrainAsync(Path.Combine(_dir, "straight"), null);
        Assert.True(straight.After > straight.Before + 0.03, // measured 0.083 -> 0.126 (full fine-tuning moves faster on this toy: the tied embedding is not adapted)
            $"expected reward {straight.Before:0.000} -> {straight.After:0.000}");
        Assert.True(straight.BaseUnchanged, "the base weights are frozen");
        // π_ref is the policy with its adapters off: equal to π_θ before the first update (B = 0), different after it.
        var metrics = MetricsLog.ReadJsonl(Path.Combine(_dir, "straight", MetricsLog.JsonlFileName));
        Assert.Equal(0, metrics[0].Values["kl"], 6);
        Assert.True(metrics[^1].Values["kl"] > 0, $"kl at the last step is {metrics[^1].Values["kl"]}");

        var resumed = await TrainAsync(Path.Combine(_dir, "resumed"), 5);
        Assert.Equal(straight.Adapter, resumed.Adapter);
    }

    private static void RandomizeAdapters(LoraModel lora)
    {
        using var noGrad = torch.no_grad();
        foreach (var p in lora.Parameters) p.normal_(0, 1);
    }

    [Fact]
    public async Task GrpoWithLoraAndARemoteRolloutServerPushesOnlyTheAdapter()
    {
        string model = GrpoCommandTests.WriteTinyQwen(Path.Combine(_dir, "model"));
        string data = Rows("rows.jsonl", "{\"problem\": \"What is 1+1?\", \"answer\": \"2\"}", "{\"problem\": \"What is 2+3?\", \"answer\": \"5\"}");
        string output = Path.Combine(_dir, "remote");
        var serve = new ServeOptions { Port = 0, ModelName = "tiny", ContextLength = 512 };
        var served = ServedModelLoader.Load(model, torch.CPU, null, serve);
        await using (served.Engine)
        await using (var server = await OpenAiServer.StartAsync(served, serve))
        {
            int exit = await Task.Run(() => Run("grpo", "--model", model, "--data", data, "--output", output, "--steps", "2",
                "--rollout-endpoints", server.BaseAddress.ToString(), "--set", "num_generations=2", "--set", "prompts_per_step=2",
                "--set", "max_completion_length=4", "--set", "beta=0.1", "--lora-r", "4", "--lora-target-modules", "all-linear"));
            Assert.Equal(0, exit);
            // Step 2 was pushed into "even": the adapter and tokenizer files, not the base weights.
            string pushed = Path.Combine(output, "rollout-weights", "even");
            Assert.True(File.Exists(Path.Combine(pushed, PeftAdapterFiles.ConfigFile)));
            Assert.False(File.Exists(Path.Combine(pushed, "model.safetensors")), "only the adapter is pushed");
            Assert.Equal(File.ReadAllBytes(Path.Combine(output, "checkpoints", "checkpoint-2", PeftAdapterFiles.WeightsFile)),
                File.ReadAllBytes(Path.Combine(pushed, PeftAdapterFiles.WeightsFile)));
            // The server attached it: its projections now carry the trained adapters.
            Assert.Contains(served.Engine.Model.modules(), m => m is R1Sharp.Models.LinearProjection { Adapter: not null });
        }
    }

    [Fact]
    public void GrpoCommandWithLoraFlagsWritesAdapterCheckpoints()
    {
        string model = GrpoCommandTests.WriteTinyQwen(Path.Combine(_dir, "model"));
        string data = Rows("rows.jsonl", "{\"problem\": \"What is 1+1?\", \"answer\": \"2\"}", "{\"problem\": \"What is 2+3?\", \"answer\": \"5\"}");
        string output = Path.Combine(_dir, "run");
        string[] common = ["grpo", "--model", model, "--data", data, "--output", output, "--set", "num_generations=2", "--set", "prompts_per_step=2",
            "--set", "max_completion_length=4", "--set", "beta=0.1", "--lora-r", "4", "--lora-target-modules", "q_proj,o_proj"];
        Assert.Equal(0, Run([.. common, "--steps", "1"]));
        string checkpoint = Path.Combine(output, "checkpoints", "checkpoint-1");
        foreach (var file in new[] { PeftAdapterFiles.ConfigFile, PeftAdapterFiles.WeightsFile, "vocab.json", "trainer_state.json", "optimizer.bin" })
            Assert.True(File.Exists(Path.Combine(checkpoint, file)), file);
        Assert.False(File.Exists(Path.Combine(checkpoint, "model.safetensors")), "a LoRA checkpoint holds the adapter, not the base");
        var stored = PeftAdapterFiles.ReadOptions(checkpoint);
        Assert.Equal(4, stored.Rank);
        Assert.Equal(["q_proj", "o_proj"], stored.TargetModules);
        Assert.Equal(0, Run([.. common, "--steps", "2", "--resume"]));
        // A resume with another rank is refused (exit 2), as any changed setting is.
        Assert.Equal(2, Run([.. common, "--steps", "3", "--resume", "--set", "lora_r=8"]));
    }

    [Fact]
    public async Task SftWithLoraResumesExactlyAndMergesIntoAPlainCheckpoint()
    {
        string model = GrpoCommandTests.WriteTinyQwen(Path.Combine(_dir, "model"));
        string data = Rows("train.jsonl", [.. Enumerable.Range(0, 12).Select(i => $$"""{"prompt": "{{i}}+{{i}}?", "completion": "{{2 * i}}"}""")]);
        string[] Common(string output) => ["sft", "--model", model, "--data", data, "--output", output, "--max-steps", "3", "--save-steps", "1", "--save-total-limit", "0",
            "--batch-size", "4", "--max-length", "48", "--validation-fraction", "0", "--learning-rate", "1e-2", "--layout", "bucketed",
            "--lora-r", "2", "--lora-dropout", "0.1", "--lora-target-modules", "q_proj,v_proj,down_proj", "--use-rslora"];
        string straight = Path.Combine(_dir, "straight"), resumed = Path.Combine(_dir, "resumed");
        Assert.Equal(0, await RunProcessAsync(Common(straight)));
        string final = Path.Combine(straight, "final");
        var options = PeftAdapterFiles.ReadOptions(final);
        Assert.Equal(["q_proj", "v_proj", "down_proj"], options.TargetModules);
        Assert.True(options.UseRsLora);
        Assert.True(MaxAbsLoraB(final) > 0, "the adapter trained");

        // Interrupted after step 1 (later checkpoints and final/ lost), then resumed from checkpoint-1.
        Assert.Equal(0, await RunProcessAsync(Common(resumed)));
        Directory.Delete(Path.Combine(resumed, "final"), recursive: true);
        foreach (int step in new[] { 2, 3 }) Directory.Delete(Path.Combine(resumed, "checkpoints", $"checkpoint-{step}"), recursive: true);
        Assert.Equal(0, await RunProcessAsync([.. Common(resumed), "--resume", Path.Combine(resumed, "checkpoints", "checkpoint-1")]));
        // Separate processes can sum in another order (libtorch's CPU kernels; the last bits differ, and three Adam steps
        // at lr 1e-2 carry that on), so each tensor is compared to 1e-4 of its own scale: a resume that lost the data
        // position, the optimizer state or the dropout generator is off by the order of the learning rate.
        using (var a = SafetensorsFile.Open(Path.Combine(final, PeftAdapterFiles.WeightsFile)))
        using (var b = SafetensorsFile.Open(Path.Combine(resumed, "final", PeftAdapterFiles.WeightsFile)))
        {
            Assert.Equal(a.Entries.Keys.Order(), b.Entries.Keys.Order());
            foreach (string name in a.Entries.Keys)
            {
                using var x = a.Read(name);
                using var y = b.Read(name);
                float difference = (x - y).abs().max().item<float>(), scale = x.abs().max().item<float>();
                Assert.True(difference <= 1e-4f * scale + 1e-7f, $"{name}: max |straight - resumed| {difference} against scale {scale}");
            }
        }

        string merged = Path.Combine(_dir, "merged");
        Assert.Equal(0, Run("merge-lora", "--base", model, "--adapter", final, "--output", merged));
        Assert.True(File.Exists(Path.Combine(merged, "vocab.json")));
        var (plain, _) = HuggingFaceCheckpoint.Load(merged, torch.CPU);
        var (adapted, _) = HuggingFaceCheckpoint.Load(model, torch.CPU);
        using (plain)
        using (adapted)
        using (var lora = PeftAdapterFiles.Load(adapted, final))
        using (var ids = torch.tensor(new long[] { 15, 10, 16, 30, 17 }, [1, 5]))
        using (var expected = adapted.Forward(ids))
        using (var actual = plain.Forward(ids))
        {
            Assert.True((expected - actual).abs().max().item<float>() < 1e-5);
            using var off = LoraModel.AdaptersOff(adapted);
            using var baseLogits = adapted.Forward(ids);
            Assert.True((baseLogits - actual).abs().max().item<float>() > 1e-4, "merging changed the weights");
        }
        // An adapter for another shape is refused (exit 2) and writes nothing.
        string other = GrpoCommandTests.WriteTinyQwen(Path.Combine(_dir, "other"));
        var config = R1Sharp.Models.ModelConfig.Load(Path.Combine(other, "config.json")) with { IntermediateSize = 48 };
        using (var wider = R1Sharp.Models.CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, 2))
            HuggingFaceCheckpoint.Save(wider, config, other);
        Assert.Equal(2, Run("merge-lora", "--base", other, "--adapter", final, "--output", Path.Combine(_dir, "bad")));
        Assert.False(Directory.Exists(Path.Combine(_dir, "bad")));
    }

    [Fact]
    public void BadLoraSettingsAreListedUnderTheirKeys()
    {
        var e = Assert.Throws<R1Sharp.Training.Configuration.ConfigurationException>(() => R1Sharp.Training.Configuration.GrpoOptionsFile.Schema.Bind(
            new System.Text.Json.Nodes.JsonObject { ["use_peft"] = true, ["lora_r"] = 0, ["lora_target_modules"] = "q_proj,qkv_proj" },
            new R1Sharp.Training.Configuration.GrpoOptions(), "test.yaml"));
        Assert.Contains("lora_r:", e.Message, StringComparison.Ordinal);
        Assert.Contains("'qkv_proj'", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, Run("sft", "--model", _dir, "--data", "x.jsonl", "--output", Path.Combine(_dir, "o"), "--lora-dropout", "1.5"));
    }
}
