using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

/// <summary>
/// Checks the model against a second, deliberately plain implementation of transformers' Qwen2/Llama forward
/// written from the state dict with elementary ops: explicit per-head loops for grouped-query attention (head h
/// uses KV head h / group), explicit softmax with a causal mask, RoPE angles computed in double precision.
/// </summary>
public class ReferenceForwardTests
{
    private static Tensor RmsNorm(Tensor x, Tensor weight, double eps) =>
        weight * (x * torch.rsqrt(x.pow(2).mean([-1L], keepdim: true) + eps));

    private static Tensor Linear(Dictionary<string, Tensor> w, string name, Tensor x) =>
        w.TryGetValue(name + ".bias", out var bias) ? x.matmul(w[name + ".weight"].t()) + bias : x.matmul(w[name + ".weight"].t());

    private static Tensor Rope(Tensor x, int[] positions, float[] inverseFrequencies)
    {
        // x: [T, D]; rotate-half: out = x * cos + cat(-x2, x1) * sin with angles repeated for both halves.
        int t = (int)x.shape[0], d = (int)x.shape[1], half = d / 2;
        var cos = new float[t * d];
        var sin = new float[t * d];
        for (int i = 0; i < t; i++)
            for (int j = 0; j < d; j++)
            {
                double angle = positions[i] * (double)inverseFrequencies[j % half];
                cos[i * d + j] = (float)Math.Cos(angle);
                sin[i * d + j] = (float)Math.Sin(angle);
            }
        var c = torch.tensor(cos, [t, d]);
        var s = torch.tensor(sin, [t, d]);
        var rotated = torch.cat([-x.narrow(1, half, half), x.narrow(1, 0, half)], 1);
        return x * c + rotated * s;
    }

    private static Tensor ReferenceLogits(CausalLanguageModel model, long[] ids)
    {
        var c = model.Config;
        var w = model.state_dict();
        int t = ids.Length, hd = c.HeadDim, group = c.NumAttentionHeads / c.NumKeyValueHeads;
        int[] positions = Enumerable.Range(0, t).ToArray();
        float[] inv = RotaryEmbedding.InverseFrequencies(c);
        var x = w["model.embed_tokens.weight"].index_select(0, torch.tensor(ids));
        var causal = torch.ones([t, t]).tril().eq(0);
        for (int layer = 0; layer < c.NumHiddenLayers; layer++)
        {
            string p = $"model.layers.{layer}.";
            var h = RmsNorm(x, w[p + "input_layernorm.weight"], c.RmsNormEps);
            var q = Linear(w, p + "self_attn.q_proj", h);
            var k = Linear(w, p + "self_attn.k_proj", h);
            var v = Linear(w, p + "self_attn.v_proj", h);
            var heads = new List<Tensor>();
            for (int head = 0; head < c.NumAttentionHeads; head++)
            {
                int kvHead = head / group;
                var qh = Rope(q.narrow(1, head * hd, hd), positions, inv);
                var kh = Rope(k.narrow(1, kvHead * hd, hd), positions, inv);
                var vh = v.narrow(1, kvHead * hd, hd);
                var scores = qh.matmul(kh.t()) / Math.Sqrt(hd);
                scores = scores.masked_fill(causal, double.NegativeInfinity);
                heads.Add(scores.softmax(-1).matmul(vh));
            }
            x = x + Linear(w, p + "self_attn.o_proj", torch.cat(heads, 1));
            var m = RmsNorm(x, w[p + "post_attention_layernorm.weight"], c.RmsNormEps);
            var gate = Linear(w, p + "mlp.gate_proj", m);
            x = x + Linear(w, p + "mlp.down_proj", gate * torch.sigmoid(gate) * Linear(w, p + "mlp.up_proj", m));
        }
        x = RmsNorm(x, w["model.norm.weight"], c.RmsNormEps);
        var head2 = w.TryGetValue("lm_head.weight", out var lm) ? lm : w["model.embed_tokens.weight"];
        return x.matmul(head2.t()).unsqueeze(0);
    }

    [Theory]
    [InlineData(TestModels.Qwen)]
    [InlineData(TestModels.DistillQwen)]
    [InlineData(TestModels.Llama)]
    [InlineData(TestModels.DistillLlama)]
    public void ModelMatchesThePlainReference(string name)
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(name, seed: 8);
        // Give the biases values: random init leaves them at zero, which would hide a misplaced bias.
        using (torch.no_grad())
            foreach (var (n, p) in model.named_parameters())
                if (n.EndsWith(".bias", StringComparison.Ordinal)) p.copy_(torch.randn(p.shape, generator: new torch.Generator(4)) * 0.3);
        using var noGrad = torch.no_grad();
        long[] ids = [12, 3, 55, 7, 90, 31, 31, 8, 64];
        var actual = model.Forward(TestModels.Ids(ids));
        var expected = ReferenceLogits(model, ids);
        float diff = TestModels.MaxAbsDiff(expected, actual);
        Assert.True(diff < 1e-4, $"max difference {diff}");
        Assert.True(expected.abs().max().item<float>() > 0.1f);
    }
}
