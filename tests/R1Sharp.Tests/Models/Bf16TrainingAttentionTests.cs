using R1Sharp.Models;
using R1Sharp.Tests.Training;
using TorchSharp;

namespace R1Sharp.Tests.Models;

/// <summary>bf16 attention with gradients on runs in float32 (issue 18): same outputs as the bf16 kernel, to bf16 rounding.</summary>
public sealed class Bf16TrainingAttentionTests
{
    [Theory]
    [InlineData(false)] // causal, no mask
    [InlineData(true)] // padded: the masked path
    public void TrainingAttentionInBf16MatchesTheInferenceKernelAndBackPropagates(bool padded)
    {
        using var model = CausalLanguageModel.Create(ToyGrpo.Config(), torch.CPU, torch.ScalarType.BFloat16, 3);
        using var scope = torch.NewDisposeScope();
        var ids = torch.tensor(new long[] { 2, 3, 4, 5, 6, 7, 2, 9, 0, 0, 4, 5, 6, 7, 8, 9 }, [2, 8]);
        var mask = padded ? torch.tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1 }, [2, 8]) : null;
        torch.Tensor inference;
        using (torch.no_grad()) inference = model.Forward(ids, mask).to(torch.ScalarType.Float32);
        var training = model.Forward(ids, mask);
        Assert.Equal(torch.ScalarType.BFloat16, training.dtype);
        double difference = (training.to(torch.ScalarType.Float32) - inference).abs().max().item<float>();
        double scale = inference.abs().max().item<float>();
        Assert.True(difference <= 0.03 * scale, $"max |training - inference| {difference} against logits up to {scale}");
        training.to(torch.ScalarType.Float32).pow(2).sum().backward();
        var q = model.named_parameters().First(p => p.name.Contains("q_proj.weight", StringComparison.Ordinal)).parameter;
        Assert.NotNull(q.grad);
        Assert.True(q.grad!.to(torch.ScalarType.Float32).abs().sum().item<float>() > 0, "no gradient reached the query projection through the float32 attention");
    }
}
