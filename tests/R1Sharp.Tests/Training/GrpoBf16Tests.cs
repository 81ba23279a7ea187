using R1Sharp.Checkpoints;
using R1Sharp.Models;
using R1Sharp.Models.Lora;
using R1Sharp.Rewards.Composition;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Metrics;
using R1Sharp.Training.Rollouts;
using TorchSharp;

namespace R1Sharp.Tests.Training;

/// <summary>GRPO with <c>bf16: true</c> and <c>rollout_dtype</c> (issue 18) on the toy task.</summary>
public sealed class GrpoBf16Tests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-grpo-bf16").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static GrpoTrainer Trainer(CausalLanguageModel policy, CausalLanguageModel? reference, GrpoPrecision precision, GrpoOptions options, string dir,
        IPolicyCheckpoint? weights = null) =>
        new(policy, reference, new ToyGrpo.LetterTokenizer(), new InProcessRolloutEngine(precision.Rollouts),
            new RewardComposer([new WeightedReward(new ToyGrpo.StartsWithA())]), new ToyGrpo.FixedPrompts(), options,
            weights ?? new HuggingFacePolicyCheckpoint(policy), dir, precision: precision);

    private async Task<(IReadOnlyDictionary<string, double> Metrics, Dictionary<string, torch.Tensor> Weights)> OneStepAsync(bool bf16, string name)
    {
        var options = ToyGrpo.Options(1) with { Bf16 = bf16, SaveSteps = 0 };
        var (policy, reference) = ToyGrpo.Models();
        using (policy)
        using (reference)
        using (var precision = GrpoPrecision.Create(policy, options))
        {
            await Trainer(policy, reference, precision, options, Path.Combine(_dir, name)).RunAsync(resume: false);
            if (bf16)
            {
                // The training copy was refreshed from the updated masters: it is their bf16 rounding.
                var copy = precision.Training!.Compute.named_parameters().ToDictionary(p => p.name, p => p.parameter);
                foreach (var (n, p) in policy.named_parameters())
                    Assert.True(copy[n].eq(p.to(torch.ScalarType.BFloat16)).all().item<bool>(), $"{n}: the bf16 copy is not the masters' rounding");
            }
            var weights = policy.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
            return (MetricsLog.ReadJsonl(Path.Combine(_dir, name, MetricsLog.JsonlFileName))[0].Values, weights);
        }
    }

    [Fact]
    public async Task ABf16StepMatchesTheFp32StepWithinToleranceAndUpdatesTheFloat32Masters()
    {
        var (initial, _) = ToyGrpo.Models();
        var start = initial.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        initial.Dispose();
        var fp32 = await OneStepAsync(bf16: false, "fp32");
        var bf16 = await OneStepAsync(bf16: true, "bf16");

        // Step 1 samples from the same float32 policy with the same seed: the same completions and rewards.
        Assert.Equal(fp32.Metrics["reward"], bf16.Metrics["reward"]);
        Assert.Equal(fp32.Metrics["completions/mean_length"], bf16.Metrics["completions/mean_length"]);
        // bf16 keeps 8 significant bits (relative rounding 2^-9 ≈ 0.002 per value); through one layer the log-probs,
        // and with them the loss, entropy and gradient, stay within a few percent.
        Assert.True(Math.Abs(fp32.Metrics["loss"] - bf16.Metrics["loss"]) < 1e-2, $"loss {fp32.Metrics["loss"]} vs {bf16.Metrics["loss"]}");
        Assert.True(Math.Abs(fp32.Metrics["entropy"] / bf16.Metrics["entropy"] - 1) < 0.02, $"entropy {fp32.Metrics["entropy"]} vs {bf16.Metrics["entropy"]}");
        Assert.True(Math.Abs(fp32.Metrics["grad_norm"] / bf16.Metrics["grad_norm"] - 1) < 0.05, $"grad_norm {fp32.Metrics["grad_norm"]} vs {bf16.Metrics["grad_norm"]}");

        // The update landed on float32 masters: they moved by AdamW's step (not by bf16 rounding steps), like fp32's.
        double sameDirection = 0, count = 0;
        foreach (var (name, w) in bf16.Weights)
        {
            Assert.Equal(torch.ScalarType.Float32, w.dtype);
            var moved = w - start[name];
            var movedFp32 = fp32.Weights[name] - start[name];
            Assert.True(moved.abs().max().item<float>() > 0, $"{name} did not move");
            sameDirection += (moved.sign() == movedFp32.sign()).sum().item<long>();
            count += moved.numel();
        }
        Assert.True(sameDirection / count > 0.9, $"only {sameDirection / count:P1} of the weights moved as in fp32");
    }

    [Fact]
    public async Task ABf16RunResumesExactlyAndSavesFloat32Checkpoints()
    {
        string straight = Path.Combine(_dir, "straight"), crashed = Path.Combine(_dir, "crashed");
        var options = ToyGrpo.Options(4) with { Bf16 = true, NumIterations = 2 };
        async Task RunAsync(string dir, GrpoOptions o, bool resume)
        {
            var (policy, reference) = ToyGrpo.Models();
            using (policy)
            using (reference)
            using (var precision = GrpoPrecision.Create(policy, o))
            {
                if (resume) RandomizeCopy(precision.Training!); // what the resume must overwrite
                await Trainer(policy, reference, precision, o, dir).RunAsync(resume);
            }
        }
        await RunAsync(straight, options, resume: false);
        await RunAsync(crashed, options with { MaxSteps = 2 }, resume: false);
        await RunAsync(crashed, options, resume: true);

        var expected = MetricsLog.ReadJsonl(Path.Combine(straight, MetricsLog.JsonlFileName));
        var actual = MetricsLog.ReadJsonl(Path.Combine(crashed, MetricsLog.JsonlFileName));
        Assert.Equal(expected.Select(m => m.Step), actual.Select(m => m.Step));
        foreach (var name in new[] { "reward", "loss", "kl", "entropy", "grad_norm", "completions/mean_length" })
            for (int i = 0; i < expected.Count; i++)
                Assert.True(expected[i].Values[name] == actual[i].Values[name], $"step {expected[i].Step} {name}: {expected[i].Values[name]} vs {actual[i].Values[name]}");

        string checkpoint = Path.Combine(crashed, "checkpoints", "checkpoint-4");
        var files = Directory.GetFiles(checkpoint, "*.safetensors");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            using var tensors = SafetensorsFile.Open(file);
            Assert.All(tensors.Entries.Values, e => Assert.Equal("F32", e.Dtype));
        }
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "checkpoints", "checkpoint-4", CheckpointStore.OptimizerFileName)),
            File.ReadAllBytes(Path.Combine(checkpoint, CheckpointStore.OptimizerFileName)));
    }

    [Fact]
    public async Task Bf16WithLoraTrainsTheFloat32AdaptersSharedWithTheBf16Base()
    {
        var options = ToyGrpo.Options(2) with { Bf16 = true, UsePeft = true, LoraRank = 4, LoraAlpha = 16, LoraDropout = 0, LoraTargetModules = LoraOptions.AllLinear, LearningRate = 5e-2, SaveSteps = 0 };
        using var policy = CausalLanguageModel.Create(ToyGrpo.Config(), torch.CPU, torch.ScalarType.Float32, 3);
        var baseWeights = policy.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        using var lora = LoraModel.Attach(policy, options.Lora!, seed: 9);
        using (var precision = GrpoPrecision.Create(policy, options))
        {
            Assert.All(precision.Training!.Compute.parameters(), p => Assert.False(p.requires_grad)); // the bf16 base is frozen
            await Trainer(policy, policy, precision, options, _dir, new LoraPolicyCheckpoint(lora, null)).RunAsync(resume: false);
        }
        Assert.All(lora.Parameters, p => Assert.Equal(torch.ScalarType.Float32, p.dtype));
        Assert.Contains(lora.NamedTensors, t => t.Name.EndsWith("lora_B.weight", StringComparison.Ordinal) && t.Tensor.abs().max().item<float>() > 0); // B moved off zero
        Assert.All(policy.named_parameters(), p => Assert.True(p.parameter.eq(baseWeights[p.name]).all().item<bool>(), $"{p.name}: the base is frozen"));
        Assert.Equal(2, MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName)).Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OnTwoMicroBatchWorkersBf16TrainsAsOneWorkerDoesUpToRounding(bool lora)
    {
        // A buffered worker differentiates the bf16 copies, or with LoRA the float32 adapters shared with them, and sums
        // in float32 (MixedPrecisionModel.ComputeCounterparts).
        var options = ToyGrpo.Options(2) with { Bf16 = true, SaveSteps = 0, GradientAccumulationSteps = 4, LogprobChunkSize = 0 };
        if (lora) options = options with { UsePeft = true, LoraRank = 4, LoraAlpha = 16, LoraDropout = 0, LoraTargetModules = LoraOptions.AllLinear, LearningRate = 5e-2 };
        async Task<(Dictionary<string, torch.Tensor> Trained, double GradNorm)> Train(int workers)
        {
            var run = options with { MicroBatchWorkers = workers };
            string dir = Path.Combine(_dir, $"workers-{workers}-{lora}");
            var (policy, reference) = ToyGrpo.Models();
            using (policy)
            using (reference)
            using (var adapters = lora ? LoraModel.Attach(policy, run.Lora!, seed: 9) : null)
            {
                using (var precision = GrpoPrecision.Create(policy, run))
                    await Trainer(policy, reference, precision, run, dir, adapters is null ? null : new LoraPolicyCheckpoint(adapters, null)).RunAsync(resume: false);
                var trained = adapters is not null ? adapters.NamedTensors.ToDictionary(t => t.Name, t => t.Tensor.detach().clone())
                    : policy.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
                return (trained, MetricsLog.ReadJsonl(Path.Combine(dir, MetricsLog.JsonlFileName))[^1].Values["grad_norm"]);
            }
        }
        var (one, oneNorm) = await Train(1);
        var (two, twoNorm) = await Train(2);
        var (initialPolicy, initialReference) = ToyGrpo.Models();
        using (initialReference) { }
        using var initial = initialPolicy;
        var start = initial.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach());
        Assert.True(oneNorm > 0);
        Assert.True(Math.Abs(oneNorm - twoNorm) <= 1e-5 * oneNorm, $"grad_norm {oneNorm} vs {twoNorm}");
        double moved = 0;
        foreach (var (name, value) in one)
        {
            Assert.Equal(torch.ScalarType.Float32, two[name].dtype);
            Assert.True((value - two[name]).abs().max().item<float>() <= 1e-4, name);
            // The full model's weights start at the policy's; LoRA's B starts at zero.
            var change = start.TryGetValue(name, out var before) ? value - before : name.EndsWith("lora_B.weight", StringComparison.Ordinal) ? value : null;
            if (change is not null) moved = Math.Max(moved, change.abs().max().item<float>());
        }
        Assert.True(moved > 1e-3, $"the trained weights moved at most {moved}");
    }

    [Fact]
    public void Bf16WithoutItsCopiesIsRefusedAndBf16WithABf16PolicyIsInvalid()
    {
        var (policy, reference) = ToyGrpo.Models();
        using (policy)
        using (reference)
        {
            var e = Assert.Throws<ArgumentException>(() => ToyGrpo.Trainer(policy, reference, ToyGrpo.Options(1) with { Bf16 = true }, _dir));
            Assert.Contains("GrpoPrecision.Create", e.Message, StringComparison.Ordinal);
        }
        var problems = GrpoOptionsValidator.Problems(new GrpoOptions { Bf16 = true, Dtype = TrainingPrecision.Bf16 });
        Assert.Contains(problems, p => p.StartsWith("bf16:", StringComparison.Ordinal));
    }

    private static void RandomizeCopy(R1Sharp.Training.LanguageModeling.MixedPrecisionModel mixed)
    {
        using var noGrad = torch.no_grad();
        foreach (var p in mixed.Compute.parameters()) p.normal_(0, 1);
    }
}
