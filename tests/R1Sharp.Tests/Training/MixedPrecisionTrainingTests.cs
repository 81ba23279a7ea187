using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Zero;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Training;

public sealed class MixedPrecisionTrainingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-mixed").FullName;
    private readonly TaskTokenizer _tokenizer = new();
    private readonly BasePretrainer _pretrainer;

    public MixedPrecisionTrainingTests() =>
        _pretrainer = new BasePretrainer(TaskSuite.CreateDefault(seed: 1, heldOutPerFamily: 2), _tokenizer, new CorpusNoise());

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CausalLanguageModel NewModel(int seed) =>
        CausalLanguageModel.Create(BuiltInModel.Config(new ZeroModelShape(Hidden: 32, Layers: 1, Heads: 2, KvHeads: 1, Intermediate: 64), _tokenizer), CPU, ScalarType.Float32, seed);

    private static Tensor[] Snapshot(CausalLanguageModel model) => [.. model.parameters().Select(p => p.detach().clone())];

    // ||a - b|| / ||b|| over all tensors.
    private static double RelativeDifference(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor> b)
    {
        double difference = 0, norm = 0;
        for (int i = 0; i < a.Count; i++)
        {
            difference += (a[i] - b[i]).pow(2).sum().item<float>();
            norm += b[i].pow(2).sum().item<float>();
        }
        return Math.Sqrt(difference / norm);
    }

    // One SGD step (update = -lr * gradient), so the weight change compares the gradients themselves.
    private Tensor[] SgdUpdate(CausalLanguageModel model, bool bf16, IReadOnlyList<TokenBatch> microBatches, int workers = 1)
    {
        var before = Snapshot(model);
        using var mixed = bf16 ? new MixedPrecisionModel(model) : null;
        var forward = new PackedCausalForward(mixed?.Compute ?? model);
        var parameters = model.parameters().ToList();
        using var optimizer = optim.SGD(parameters, 0.5);
        var step = new CrossEntropyStep(forward.Logits, parameters, maxGradNorm: 0).WithConcurrentMicroBatches(workers);
        if (mixed is not null) step.WithMasterWeights(mixed);
        step.Run(optimizer, [.. microBatches.Select(b => (Func<TokenBatch>)(() => b))], microBatches.Sum(b => b.TargetTokens));
        if (mixed is not null)
        {
            // The sum of the micro-batches' gradients sits in the masters' float32 .grad; the bf16 copy's was cleared.
            Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.grad!.dtype));
            Assert.All(mixed.Compute.parameters(), p => Assert.Equal(0f, p.grad!.abs().max().to_type(ScalarType.Float32).item<float>()));
        }
        return [.. model.parameters().Zip(before, (p, b) => p.detach() - b)];
    }

    [Fact]
    public void AMixedPrecisionStepChangesTheMasterWeightsAsAnFp32StepDoes()
    {
        var batch = _pretrainer.Batch(step: 1, size: 4, CPU);
        using var fp32 = NewModel(3);
        using var bf16 = NewModel(3);
        var exact = SgdUpdate(fp32, bf16: false, [batch]);
        var mixed = SgdUpdate(bf16, bf16: true, [batch]);
        Assert.True(exact.Sum(d => d.abs().sum().item<float>()) > 0);
        // bf16 keeps 8 significant bits (relative error 2^-8 per rounding); a few roundings per matmul stay within 5%.
        double difference = RelativeDifference(mixed, exact);
        Assert.True(difference < 0.05, $"relative difference of the updates {difference:0.0000}");
        Assert.True(difference > 0, "the bf16 copy computed nothing in bf16");
    }

    [Fact]
    public void GradientAccumulationOverTwoMicroBatchesEqualsOneBatchOfBoth()
    {
        using var accumulated = NewModel(5);
        using var whole = NewModel(5);
        var split = SgdUpdate(accumulated, bf16: true, [_pretrainer.Batch(step: 1, size: 2, CPU), _pretrainer.Batch(step: 2, size: 2, CPU)]);
        var together = SgdUpdate(whole, bf16: true, [_pretrainer.Batch(step: 1, size: 4, CPU)]);
        double difference = RelativeDifference(split, together);
        Assert.True(difference < 0.05, $"relative difference of the updates {difference:0.0000}");
    }

    [Fact]
    public void TwoWorkersSumTheBf16GradientsAsOneWorkerDoes()
    {
        TokenBatch[] Halves(int first) => [_pretrainer.Batch(step: first, size: 2, CPU), _pretrainer.Batch(step: first + 1, size: 2, CPU)];
        // Two micro-batches: g1 + g2 in float32 on either path, so the bits are equal.
        using var alone = NewModel(4);
        using var pair = NewModel(4);
        var one = SgdUpdate(alone, bf16: true, Halves(1), workers: 1);
        var two = SgdUpdate(pair, bf16: true, Halves(1), workers: 2);
        Assert.True(one.Sum(d => d.abs().sum().item<float>()) > 0);
        foreach (var (a, b) in one.Zip(two)) Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());

        // Four: (g1 + g2) + (g3 + g4) against ((g1 + g2) + g3) + g4, float32 rounding apart; a bf16 sum would be ~1e-3.
        using var sequential = NewModel(6);
        using var concurrent = NewModel(6);
        TokenBatch[] four = [.. Halves(1), .. Halves(3)];
        double difference = RelativeDifference(SgdUpdate(concurrent, bf16: true, four, workers: 2), SgdUpdate(sequential, bf16: true, four, workers: 1));
        Assert.True(difference < 1e-5, $"relative difference of the updates {difference:e2}");
    }

    [Fact]
    public void ComputeCounterpartsAreTheBf16CopiesAndAForeignParameterIsRefused()
    {
        using var model = NewModel(1);
        using var mixed = new MixedPrecisionModel(model);
        var parameters = model.parameters().ToList();
        var counterparts = mixed.ComputeCounterparts(parameters);
        Assert.Equal(parameters.Count, counterparts.Count);
        foreach (var ((master, copy), expected) in parameters.Zip(counterparts).Zip(mixed.Compute.parameters()))
        {
            Assert.Same(expected, copy);
            Assert.Equal(ScalarType.BFloat16, copy.dtype);
            Assert.Equal(master.shape, copy.shape);
        }
        using var other = NewModel(2);
        var error = Assert.Throws<ArgumentException>(() => mixed.ComputeCounterparts([parameters[0], other.parameters().First()]));
        Assert.Contains("trained parameter 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AStepsZeroingLeavesTheOptimizersMastersToItAndClearsEveryOtherGradient()
    {
        using var model = NewModel(1);
        using var mixed = new MixedPrecisionModel(model);
        foreach (var p in mixed.MasterParameters.Concat(mixed.Compute.parameters())) p.grad = ones_like(p);
        var held = mixed.MasterParameters.Take(2).ToList(); // what the optimizer's zero_grad has just cleared
        using var optimizer = new R1Sharp.Training.Optimization.AdamW(held, lr: 1e-3);
        mixed.ZeroGradientsBesides(optimizer.parameters()); // as the steps call it: the optimizer hands back the same objects
        Assert.All(held, p => Assert.Equal(1f, p.grad!.min().item<float>())); // not written a second time
        Assert.All(mixed.MasterParameters.Skip(2), p => Assert.Equal(0f, p.grad!.abs().max().item<float>()));
        Assert.All(mixed.Compute.parameters(), p => Assert.Equal(0f, p.grad!.abs().max().to_type(ScalarType.Float32).item<float>()));
    }

    [Fact]
    public void GradientsOfMicroBatchesAreSummedInFloat32()
    {
        using var model = NewModel(1);
        using var mixed = new MixedPrecisionModel(model);
        var master = mixed.MasterParameters[0];
        var copy = mixed.Compute.parameters().First();
        Assert.Equal(ScalarType.BFloat16, copy.dtype);
        // 256 + 1 = 257 needs 9 significant bits: a bf16 sum would round it back to 256.
        copy.grad = full_like(copy, 256);
        mixed.AccumulateGradients();
        copy.grad = full_like(copy, 1);
        mixed.AccumulateGradients();
        Assert.Equal(ScalarType.Float32, master.grad!.dtype);
        Assert.Equal(257f, master.grad.min().item<float>());
        Assert.Equal(257f, master.grad.max().item<float>());
    }

    [Fact]
    public void MasterWeightsAndAdamWStateStayFloat32AndTheCopyFollowsTheMaster()
    {
        using var model = NewModel(2);
        using var mixed = new MixedPrecisionModel(model);
        var parameters = mixed.MasterParameters.ToList();
        using var optimizer = optim.AdamW(parameters, 1e-2);
        var step = new CrossEntropyStep(new PackedCausalForward(mixed.Compute).Logits, parameters, maxGradNorm: 1.0).WithMasterWeights(mixed);
        var batch = _pretrainer.Batch(step: 1, size: 4, CPU);
        step.Run(optimizer, [() => batch], batch.TargetTokens);

        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        var moments = optimizer.state_dict().State.OfType<AdamW.State>().ToList();
        Assert.Equal(parameters.Count, moments.Count);
        Assert.All(moments, s => Assert.Equal(ScalarType.Float32, s.exp_avg.dtype));
        Assert.All(moments, s => Assert.Equal(ScalarType.Float32, s.exp_avg_sq.dtype));
        // After the step the bf16 copy holds the updated masters, rounded.
        foreach (var (master, copy) in model.parameters().Zip(mixed.Compute.parameters()))
            Assert.True(master.to_type(ScalarType.BFloat16).allclose(copy, rtol: 0, atol: 0));
    }

    [Fact]
    public void ABf16ModelIsRefusedAsMaster()
    {
        using var model = CausalLanguageModel.Create(NewModel(1).Config, CPU, ScalarType.BFloat16, 1);
        var error = Assert.Throws<NotSupportedException>(() => new MixedPrecisionModel(model));
        Assert.Contains("dtype: bf16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShortPretrainingInBf16LowersTheLossLikeFp32()
    {
        var fp32Losses = new List<double>();
        var bf16Losses = new List<double>();
        using var fp32 = NewModel(7);
        using var bf16 = NewModel(7);
        await _pretrainer.TrainAsync(fp32, new PretrainOptions(Steps: 30, BatchSize: 8, WarmupSteps: 3), new SynchronousProgress<(int Step, double Loss)>(p => fp32Losses.Add(p.Loss)), null, CancellationToken.None);
        await _pretrainer.TrainAsync(bf16, new PretrainOptions(Steps: 30, BatchSize: 8, WarmupSteps: 3, Bf16: true), new SynchronousProgress<(int Step, double Loss)>(p => bf16Losses.Add(p.Loss)), null, CancellationToken.None);
        double start = fp32Losses.Take(3).Average(), endFp32 = fp32Losses.TakeLast(5).Average(), endBf16 = bf16Losses.TakeLast(5).Average();
        Assert.True(endFp32 < start - 1, $"fp32 loss {start:0.00} -> {endFp32:0.00}");
        // bf16 ends where fp32 ends, give or take a tenth of the drop.
        Assert.True(Math.Abs(endBf16 - endFp32) < 0.1 * (start - endFp32), $"bf16 {endBf16:0.000} vs fp32 {endFp32:0.000} (start {start:0.000})");
        Assert.All(bf16.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    [Fact]
    public async Task AKilledBf16RunResumesToTheUninterruptedWeights()
    {
        var options = new PretrainOptions(Steps: 6, BatchSize: 4, SaveSteps: 2, Bf16: true);
        using var straight = NewModel(3);
        await _pretrainer.TrainAsync(straight, options, null, null, CancellationToken.None);

        using var interrupted = NewModel(3);
        using var kill = new CancellationTokenSource();
        var stop = new SynchronousProgress<(int Step, double Loss)>(p => { if (p.Step == 5) kill.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _pretrainer.TrainAsync(interrupted, options, stop, new PretrainCheckpoints(new CheckpointStore<TrainerState>(_dir), BuiltInModel.Checkpoint(interrupted, _tokenizer), 1), kill.Token));

        using var resumed = NewModel(99);
        await _pretrainer.TrainAsync(resumed, options, null,
            new PretrainCheckpoints(new CheckpointStore<TrainerState>(_dir), BuiltInModel.Checkpoint(resumed, _tokenizer), 1), CancellationToken.None);
        foreach (var ((name, expected), (_, actual)) in straight.named_parameters().Zip(resumed.named_parameters()))
            Assert.True(expected.allclose(actual, rtol: 0, atol: 1e-6), name);

        // The checkpoint holds float32 masters, and an fp32 run may not resume it.
        var fp32 = options with { Bf16 = false, Steps = 8 };
        using var other = NewModel(3);
        var error = await Assert.ThrowsAsync<R1Sharp.Training.Configuration.ConfigurationException>(() =>
            _pretrainer.TrainAsync(other, fp32, null, new PretrainCheckpoints(new CheckpointStore<TrainerState>(_dir), BuiltInModel.Checkpoint(other, _tokenizer), 1), CancellationToken.None));
        Assert.Contains("bf16", error.Message, StringComparison.Ordinal);
    }
}
