using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

public class TokenLogProbsTests
{
    [Theory]
    [InlineData(ScalarType.Float32, 1e-5)]
    [InlineData(ScalarType.BFloat16, 1e-5)]
    public void GatherEqualsLogSoftmaxThenGather(ScalarType dtype, double tolerance)
    {
        using var scope = torch.NewDisposeScope();
        var gen = new torch.Generator(11);
        var logits = (torch.randn([3, 5, 40], generator: gen) * 3).to(dtype);
        var targets = torch.randint(0, 40, [3, 5], generator: gen);
        var expected = logits.to(ScalarType.Float32).log_softmax(-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1);
        var actual = TokenLogProbs.Gather(logits, targets);
        Assert.Equal(ScalarType.Float32, actual.dtype);
        Assert.True(TestModels.MaxAbsDiff(expected, actual) < tolerance);
        Assert.True(actual.le(0).all().item<bool>());
        var hot = TokenLogProbs.Gather(logits, targets, temperature: 0.5);
        var hotExpected = (logits.to(ScalarType.Float32) / 0.5).log_softmax(-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1);
        Assert.True(TestModels.MaxAbsDiff(hotExpected, hot) < 1e-4);
    }

    [Fact]
    public void ChunkedBf16PathCoversManyRowsAndKeepsGradients()
    {
        using var scope = torch.NewDisposeScope();
        var gen = new torch.Generator(5);
        var logits = torch.randn([3, 700, 24], generator: gen).to(ScalarType.BFloat16).requires_grad_(true); // 2,100 rows > one chunk
        var targets = torch.randint(0, 24, [3, 700], generator: gen);
        var actual = TokenLogProbs.Gather(logits, targets);
        var expected = logits.to(ScalarType.Float32).log_softmax(-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1);
        Assert.True(TestModels.MaxAbsDiff(expected, actual) < 1e-5);
        actual.sum().backward();
        Assert.NotNull(logits.grad);
        Assert.Equal(logits.shape, logits.grad!.shape);
        var entropy = TokenLogProbs.Entropy(logits.detach());
        var p = logits.detach().to(ScalarType.Float32).softmax(-1);
        Assert.True(TestModels.MaxAbsDiff(-(p * p.log()).sum(-1), entropy) < 1e-4);
    }

    [Fact]
    public void EntropyMatchesDefinitionAndBounds()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.randn([2, 4, 16], generator: new torch.Generator(2)) * 2;
        var logp = logits.log_softmax(-1);
        var expected = -(logp.exp() * logp).sum(-1);
        var actual = TokenLogProbs.Entropy(logits);
        Assert.True(TestModels.MaxAbsDiff(expected, actual) < 1e-5);
        var uniform = TokenLogProbs.Entropy(torch.zeros([1, 1, 16]));
        Assert.Equal(Math.Log(16), uniform.item<float>(), 1e-5);
    }
}
