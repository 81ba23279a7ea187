using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

public class GradientCheckpointingTests
{
    [Theory]
    [InlineData(TestModels.Qwen, false)]
    [InlineData(TestModels.Llama, false)]
    [InlineData(TestModels.Qwen, true)] // frozen embeddings (as with adapters): the layers still receive gradients
    public void GradientsEqualThePlainRun(string name, bool freezeEmbeddings)
    {
        using var scope = torch.NewDisposeScope();
        var model = TestModels.Small(name, seed: 6);
        model.train();
        if (freezeEmbeddings)
            foreach (var (n, p) in model.named_parameters())
                if (n.Contains("embed_tokens", StringComparison.Ordinal)) p.requires_grad = false;
        // Left padding on the second row, so the recomputed layers see the same mask as the first pass.
        var ids = TestModels.Ids([[3, 4, 5, 6, 7, 8], [0, 0, 9, 10, 11, 12]]);
        var mask = torch.tensor(new long[] { 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1 }, [2, 6]);

        var (plainLoss, plain) = Gradients(model, ids, mask);
        model.GradientCheckpointing = true;
        var (checkpointedLoss, checkpointed) = Gradients(model, ids, mask);

        Assert.Equal(plainLoss, checkpointedLoss, 5);
        Assert.NotEmpty(plain);
        Assert.Equal(plain.Keys.Order(), checkpointed.Keys.Order());
        foreach (var key in plain.Keys)
        {
            double diff = ChunkedTokenLogProbsTests.RelativeDiff(plain[key], checkpointed[key]);
            Assert.True(diff < 1e-5, $"{key}: relative difference {diff}");
        }
        Assert.Contains(plain.Keys, k => k.Contains("layers.0.self_attn.q_proj", StringComparison.Ordinal));
    }

    private static (double Loss, Dictionary<string, Tensor> Grads) Gradients(CausalLanguageModel model, Tensor ids, Tensor mask)
    {
        model.zero_grad();
        var logits = model.Forward(ids, mask);
        var loss = logits.log_softmax(-1).narrow(2, 0, 7).mean();
        loss.backward();
        var grads = model.named_parameters().Where(p => p.parameter.requires_grad)
            .ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        return (loss.item<float>(), grads);
    }
}
