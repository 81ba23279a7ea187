using R1Sharp.Models;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

/// <summary>
/// The head's and the embedding's [V, H] gradients added straight into <c>.grad</c> (<see cref="ParameterGradientSink"/>)
/// must sum exactly what autograd sums when they are returned: a step's gradients may not depend on whether <c>.grad</c>
/// existed before it (a resumed run's first step has none, the uninterrupted run's has).
/// </summary>
public class ParameterGradientSinkTests
{
    [Theory]
    [InlineData(TestModels.Qwen)]        // tied: the head's and the embedding's gradients meet in one .grad
    [InlineData(TestModels.DistillQwen)] // a separate lm_head
    public void AStepSumsTheSameBitsThroughTheSinkAsThroughAutograd(string name)
    {
        using var scope = NewDisposeScope();
        var model = TestModels.Small(name, seed: 5);
        var (input, mask, targets) = RepeatedTokenRows();

        // 1. No .grad yet: both functions return their gradients and autograd adds them.
        long before = ParameterGradientSink.Hits;
        var returned = Step(model, input, mask, targets, WorkerGradients.IntoParameters.Backward);
        Assert.Equal(before, ParameterGradientSink.Hits);

        // 2. .grad exists (zeroed, as the optimizer leaves it): the sink takes both [V, H] gradients.
        var sunk = Step(model, input, mask, targets, WorkerGradients.IntoParameters.Backward);
        Assert.Equal(before + 2, ParameterGradientSink.Hits);

        // 3. .grad exists but the sink is closed (a plain backward): autograd adds into the zeroed .grad.
        var plain = Step(model, input, mask, targets, loss => loss.backward());
        Assert.Equal(before + 2, ParameterGradientSink.Hits);

        foreach (var key in returned.Keys)
        {
            Assert.True(TestModels.BitEqual(returned[key], sunk[key]), $"{key}: the sink's sum differs from autograd's by {TestModels.MaxAbsDiff(returned[key], sunk[key])}");
            Assert.True(TestModels.BitEqual(returned[key], plain[key]), $"{key}: differs without the sink");
        }
        var embedding = model.named_parameters().First(p => p.name.EndsWith("embed_tokens.weight", StringComparison.Ordinal)).name;
        Assert.True(sunk[embedding].abs().max().item<float>() > 0); // the embedding's rows were reached
    }

    [Fact]
    public void ABufferedWorkerGetsItsGradientsReturnedAndLeavesGradAlone()
    {
        using var scope = NewDisposeScope();
        var model = TestModels.Small(TestModels.Qwen, seed: 6);
        var (input, mask, targets) = RepeatedTokenRows();
        var expected = Step(model, input, mask, targets, WorkerGradients.IntoParameters.Backward);
        Step(model, input, mask, targets, WorkerGradients.IntoParameters.Backward); // every .grad exists now (zero after the step below)

        var parameters = model.parameters().ToList();
        foreach (var p in parameters) p.grad!.zero_();
        long before = ParameterGradientSink.Hits;
        using var worker = WorkerGradients.Buffered(parameters);
        worker.Backward(Loss(model, input, mask, targets));
        Assert.Equal(before, ParameterGradientSink.Hits);
        Assert.All(parameters, p => Assert.Equal(0f, p.grad!.abs().max().item<float>()));

        worker.AddToParameters();
        var names = model.named_parameters().Select(p => p.name).ToList();
        for (int i = 0; i < parameters.Count; i++)
            Assert.True(TestModels.BitEqual(expected[names[i]], parameters[i].grad!), $"{names[i]} differs through autograd.grad");
    }

    [Theory]
    [InlineData(TestModels.Qwen)]
    [InlineData(TestModels.DistillQwen)]
    public void ABufferedWorkersKeptSumsTakeTheHeadAndTheEmbeddingBitForBitAndAreReusedNextStep(string name)
    {
        using var scope = NewDisposeScope();
        var model = TestModels.Small(name, seed: 7);
        var (input, mask, targets) = RepeatedTokenRows();
        var expected = Step(model, input, mask, targets, WorkerGradients.IntoParameters.Backward); // from no .grad: returned
        var parameters = model.parameters().ToList();
        var names = model.named_parameters().Select(p => p.name).ToList();
        var embedding = parameters[names.FindIndex(n => n.EndsWith("embed_tokens.weight", StringComparison.Ordinal))];

        IntPtr? keptAddress = null;
        for (int step = 0; step < 2; step++)
        {
            foreach (var p in parameters) p.grad!.zero_();
            long before = ParameterGradientSink.Hits;
            // Every float32 parameter's sum kept (no minimum size), so this small model takes the path of a large one.
            using var worker = WorkerGradients.Buffered(parameters, worker: 3, keptMinimumBytes: 0);
            worker.Backward(Loss(model, input, mask, targets));
            Assert.Equal(before + 2, ParameterGradientSink.Hits); // the head's and the embedding's went into kept sums
            Assert.All(parameters, p => Assert.Equal(0f, p.grad!.abs().max().item<float>()));
            worker.AddToParameters();
            for (int i = 0; i < parameters.Count; i++)
                Assert.True(TestModels.BitEqual(expected[names[i]], parameters[i].grad!), $"step {step}: {names[i]} differs through the kept sums");

            // The next step's worker gets the same sum back, zeroed; another worker index gets its own (both stay kept:
            // not disposed here).
            var again = KeptGradientBuffers.Zeroed(embedding, 3);
            var other = KeptGradientBuffers.Zeroed(embedding, 4);
            keptAddress ??= NativeTensorData.Pointer(again);
            Assert.Equal(keptAddress, NativeTensorData.Pointer(again));
            Assert.NotEqual(keptAddress, NativeTensorData.Pointer(other));
            Assert.Equal(0f, again.abs().max().item<float>());
        }
    }

    [Fact]
    public void AKeptSumNothingReachedLeavesTheParametersGradAsItWas()
    {
        using var scope = NewDisposeScope();
        var model = TestModels.Small(TestModels.Qwen, seed: 8);
        var (input, mask, targets) = RepeatedTokenRows();
        var parameters = model.parameters().ToList();
        foreach (var p in parameters) p.grad = null;
        using var worker = WorkerGradients.Buffered(parameters, worker: 5, keptMinimumBytes: 0);
        // A loss that reaches no parameter: nothing is added, and no .grad appears (AdamW skips parameters without one).
        worker.Backward((input.to_type(ScalarType.Float32) * 0).sum().requires_grad_(true));
        worker.AddToParameters();
        Assert.All(parameters, p => Assert.Null(p.grad));
    }

    [Fact]
    public void TheEmbeddingsReturnedGradientIsLibtorchsIndexSelectGradient()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        var weight = randn([12, 8], generator: generator).requires_grad_(true);
        var ids = tensor(new long[] { 4, 1, 4, 9, 4, 1 });
        var upstream = randn([6, 8], generator: generator);

        (weight.index_select(0, ids) * upstream).sum().backward();
        var expected = weight.grad!.clone();
        weight.grad = null;
        (TokenEmbeddingFunction.apply(weight, ids) * upstream).sum().backward();
        Assert.True(TestModels.BitEqual(expected, weight.grad!));
        Assert.Equal(0f, weight.grad!.narrow(0, 0, 1).abs().max().item<float>()); // an id not looked up gets no gradient
    }

    // Three prompts' rows whose completions repeat tokens, so several rows of the embedding's gradient are sums.
    private static (Tensor Input, Tensor Mask, Tensor Targets) RepeatedTokenRows()
    {
        var rows = TrainingRows.Build([[5, 6, 5], [8]], 2, [[9, 5, 9], [5], [9, 9], [6, 5, 6]], [false, false, false, false], padId: 0);
        return rows.Slice(new MicroBatch(0, 4), CPU);
    }

    private static Tensor Loss(CausalLanguageModel model, Tensor input, Tensor mask, Tensor targets)
    {
        var (logProbs, _) = new CompletionLogProbs(1.0, 3).Compute(model, input, mask, targets, withEntropy: false);
        return (logProbs * linspace(-1, 1, logProbs.numel()).reshape(logProbs.shape)).sum();
    }

    // One backward from zeroed (or absent) gradients; the gradients it leaves, by parameter name.
    private static Dictionary<string, Tensor> Step(CausalLanguageModel model, Tensor input, Tensor mask, Tensor targets, Action<Tensor> backward)
    {
        foreach (Parameter p in model.parameters())
            p.grad?.zero_();
        backward(Loss(model, input, mask, targets));
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
    }
}
