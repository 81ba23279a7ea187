using R1Sharp.Models;
using R1Sharp.Tests.Models;
using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Sft;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Sft;

/// <summary>SFT's loss taken from hidden states in chunks equals the full-logits loss, value and gradients, packed rows included.</summary>
public class ChunkedSftLossTests
{
    [Theory]
    [InlineData(TestModels.Qwen, 5)]
    [InlineData(TestModels.DistillQwen, 7)]
    public void ChunkedLossAndGradientsEqualTheFullLogitsLoss(string name, int chunkSize)
    {
        using var scope = torch.NewDisposeScope();
        var model = TestModels.Small(name, seed: 8);
        model.train();
        ISftModel adapter = new CausalLanguageModelTrainer(model, null);
        var random = new Random(3);
        List<TokenizedSequence> samples = [.. Enumerable.Range(0, 3).Select(i =>
        {
            int length = random.Next(6, 14);
            return new TokenizedSequence([.. Enumerable.Range(0, length).Select(_ => random.Next(3, 96))], [.. Enumerable.Range(0, length).Select(t => t >= 2)], $"mem:{i}");
        })];
        var collator = new TokenBatchCollator(samples, padId: 0);
        var batch = collator.Collate([new PackedRow([0, 1], samples[0].Length + samples[1].Length), new PackedRow([2], samples[2].Length)], CPU);

        var (fullLoss, fullGrads) = LossAndGrads(model, () => adapter.TokenLossSum(batch, 0));
        var (chunkedLoss, chunkedGrads) = LossAndGrads(model, () => adapter.TokenLossSum(batch, chunkSize));

        Assert.True(Math.Abs(fullLoss - chunkedLoss) <= 1e-5 * Math.Abs(fullLoss), $"{fullLoss} vs {chunkedLoss}");
        Assert.True(fullLoss > 0);
        foreach (var (key, grad) in fullGrads)
        {
            double diff = ChunkedTokenLogProbsTests.RelativeDiff(grad, chunkedGrads[key]);
            Assert.True(diff < 1e-5, $"{key}: relative difference {diff}");
        }
    }

    private static (double Loss, Dictionary<string, Tensor> Grads) LossAndGrads(CausalLanguageModel model, Func<Tensor> loss)
    {
        model.zero_grad();
        var value = loss();
        value.backward();
        return (value.item<float>(), model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone()));
    }
}
