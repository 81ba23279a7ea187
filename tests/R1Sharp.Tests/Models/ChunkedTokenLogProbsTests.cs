using R1Sharp.Models;
using R1Sharp.Training.Grpo;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

public class ChunkedTokenLogProbsTests
{
    [Theory]
    [InlineData(1.0, 4)]   // 15 rows: chunks of 4, 4, 4, 3
    [InlineData(0.7, 4)]
    [InlineData(0.7, 100)] // one chunk
    public void ValuesAndGradientsEqualThePlainPath(double temperature, int chunkSize)
    {
        using var scope = torch.NewDisposeScope();
        var gen = new torch.Generator(21);
        var hidden = torch.randn([3, 5, 16], generator: gen).requires_grad_(true);
        var weight = torch.randn([40, 16], generator: gen).requires_grad_(true);
        var targets = torch.randint(0, 40, [3, 5], generator: gen);
        var upstream = torch.randn([3, 5], generator: gen);

        var plain = TokenLogProbs.Gather(nn.functional.linear(hidden, weight), targets, temperature);
        (plain * upstream).sum().backward();
        var (plainHidden, plainWeight) = (hidden.grad!.clone(), weight.grad!.clone());
        hidden.grad!.zero_();
        weight.grad!.zero_();

        var (chunked, fromForward) = ChunkedTokenLogProbs.GatherWithEntropy(hidden, weight, targets, temperature, chunkSize, withEntropy: true);
        (chunked * upstream).sum().backward();

        Assert.True(TestModels.MaxAbsDiff(plain, chunked) < 1e-5);
        Assert.True(RelativeDiff(plainHidden, hidden.grad!) < 1e-5, $"hidden grad differs by {RelativeDiff(plainHidden, hidden.grad!)}");
        Assert.True(RelativeDiff(plainWeight, weight.grad!) < 1e-5, $"weight grad differs by {RelativeDiff(plainWeight, weight.grad!)}");
        Assert.True(plainWeight.abs().max().item<float>() > 1e-3); // the gradients compared are not trivially zero

        using var noGrad = torch.no_grad();
        var entropy = ChunkedTokenLogProbs.Entropy(hidden, weight, temperature, chunkSize);
        Assert.True(TestModels.MaxAbsDiff(TokenLogProbs.Entropy(nn.functional.linear(hidden, weight), temperature), entropy) < 1e-5);
        // The entropy the log-prob pass fills in (log s − Σ e·(z − max)/s) against float64: closer than the float32 plain
        // path's logZ − Σ p·z, which loses digits subtracting two numbers near the largest logit.
        using var divisor = temperature.ToScalar();
        var logits64 = nn.functional.linear(hidden.to(ScalarType.Float64), weight.to(ScalarType.Float64)).div(divisor).log_softmax(-1);
        var exact = (logits64.exp() * logits64).sum(-1).neg().to(ScalarType.Float32);
        Assert.True(TestModels.MaxAbsDiff(exact, fromForward!) < 2e-6, $"the log-prob pass's entropy is {TestModels.MaxAbsDiff(exact, fromForward!)} from float64's");
        Assert.True(TestModels.MaxAbsDiff(exact, entropy) < 1e-4);
        Assert.True(entropy.min().item<float>() > 0);
    }

    [Fact]
    public void AFrozenOutputWeightGetsNoGradientAndTheHiddenStatesStillDo()
    {
        var generator = new torch.Generator(11);
        var hidden = torch.randn([2, 5, 8], generator: generator).requires_grad_(true);
        var weight = torch.randn([30, 8], generator: generator); // frozen, as the tied head is under LoRA
        var targets = torch.randint(0, 30, [2, 5], generator: generator);
        var plain = TokenLogProbs.Gather(nn.functional.linear(hidden, weight), targets, 1.0);
        plain.sum().backward();
        var expected = hidden.grad!.clone();
        hidden.grad!.zero_();
        ChunkedTokenLogProbs.Gather(hidden, weight, targets, 1.0, chunkSize: 3).sum().backward();
        Assert.True(RelativeDiff(expected, hidden.grad!) < 1e-5);
        Assert.Null(weight.grad);
    }

    [Theory]
    [InlineData(TestModels.Qwen)]                       // tied embeddings: the output weight is also the input embedding
    [InlineData(TestModels.DistillQwen)]                // a separate lm_head
    public void GrpoLogProbsThroughAModelMatchWithAndWithoutChunks(string name)
    {
        using var scope = torch.NewDisposeScope();
        var model = TestModels.Small(name, seed: 4);
        var rows = TrainingRows.Build([[5, 6, 7], [8]], 2, [[9, 10, 11], [12], [13, 14], [15, 16, 17]], [false, true, false, false], padId: 0);
        var (input, mask, targets) = rows.Slice(new MicroBatch(0, 4), CPU);

        var (plain, plainGrads, plainEntropy) = Run(model, new CompletionLogProbs(0.8, 0), input, mask, targets);
        var (chunked, chunkedGrads, chunkedEntropy) = Run(model, new CompletionLogProbs(0.8, 3), input, mask, targets);

        Assert.True(TestModels.MaxAbsDiff(plain, chunked) < 1e-5);
        Assert.True(TestModels.MaxAbsDiff(plainEntropy, chunkedEntropy) < 1e-5);
        Assert.Equal(plainGrads.Count, chunkedGrads.Count);
        foreach (var key in plainGrads.Keys)
            Assert.True(RelativeDiff(plainGrads[key], chunkedGrads[key]) < 1e-5, $"{key}: {RelativeDiff(plainGrads[key], chunkedGrads[key])}");
    }

    private static (Tensor LogProbs, Dictionary<string, Tensor> Grads, Tensor Entropy) Run(CausalLanguageModel model, CompletionLogProbs logProbsOf, Tensor input, Tensor mask, Tensor targets)
    {
        model.zero_grad();
        var (logProbs, entropy) = logProbsOf.Compute(model, input, mask, targets, withEntropy: true);
        (logProbs * torch.linspace(-1, 1, logProbs.numel()).reshape(logProbs.shape)).sum().backward();
        var grads = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        return (logProbs.detach(), grads, entropy!);
    }

    internal static double RelativeDiff(Tensor expected, Tensor actual) =>
        (expected - actual).abs().max().item<float>() / Math.Max(1e-12, expected.abs().max().item<float>());
}
