using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

public class CausalLanguageModelTests
{
    [Fact]
    public void QwenParameterNamesAreHuggingFaces()
    {
        using var model = TestModels.Small(TestModels.Qwen); // tie_word_embeddings: true
        var names = model.state_dict().Keys.ToHashSet();
        Assert.Contains("model.embed_tokens.weight", names);
        Assert.Contains("model.norm.weight", names);
        Assert.DoesNotContain("lm_head.weight", names);
        foreach (int layer in new[] { 0, 1 })
        {
            string p = $"model.layers.{layer}.";
            foreach (string proj in new[] { "q_proj", "k_proj", "v_proj" })
            {
                Assert.Contains(p + "self_attn." + proj + ".weight", names);
                Assert.Contains(p + "self_attn." + proj + ".bias", names);
            }
            Assert.Contains(p + "self_attn.o_proj.weight", names);
            Assert.DoesNotContain(p + "self_attn.o_proj.bias", names);
            foreach (string proj in new[] { "gate_proj", "up_proj", "down_proj" })
                Assert.Contains(p + "mlp." + proj + ".weight", names);
            Assert.Contains(p + "input_layernorm.weight", names);
            Assert.Contains(p + "post_attention_layernorm.weight", names);
        }
        // 2 layers x (4 qkv-with-bias tensors... ) : every name is one of the above.
        Assert.Equal(3 + 2 * 12 - 1, names.Count);
    }

    [Fact]
    public void LlamaHasUntiedHeadAndNoBiases()
    {
        using var model = TestModels.Small(TestModels.DistillLlama); // tie_word_embeddings: false
        var names = model.state_dict().Keys.ToList();
        Assert.Contains("lm_head.weight", names);
        Assert.DoesNotContain(names, n => n.EndsWith(".bias", StringComparison.Ordinal));
        Assert.Equal(new long[] { model.Config.VocabSize, model.Config.HiddenSize }, model.state_dict()["lm_head.weight"].shape);
        Assert.Equal(new long[] { model.Config.NumKeyValueHeads * model.Config.HeadDim, model.Config.HiddenSize },
            model.state_dict()["model.layers.0.self_attn.k_proj.weight"].shape);
    }

    [Fact]
    public void SameSeedSameWeightsDifferentSeedDifferentWeights()
    {
        using var a = TestModels.Small(TestModels.Qwen, seed: 5);
        using var b = TestModels.Small(TestModels.Qwen, seed: 5);
        using var c = TestModels.Small(TestModels.Qwen, seed: 6);
        var wa = a.state_dict()["model.layers.1.mlp.up_proj.weight"];
        Assert.Equal(0f, TestModels.MaxAbsDiff(wa, b.state_dict()["model.layers.1.mlp.up_proj.weight"]));
        Assert.True(TestModels.MaxAbsDiff(wa, c.state_dict()["model.layers.1.mlp.up_proj.weight"]) > 0.01f);
        double std = wa.std().item<float>();
        Assert.InRange(std, a.Config.InitializerRange * 0.9, a.Config.InitializerRange * 1.1);
    }

    [Theory]
    [InlineData(TestModels.Qwen)]
    [InlineData(TestModels.Llama)]
    [InlineData(TestModels.DistillLlama)]
    public void IncrementalDecodingMatchesFullForward(string name)
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(name);
        using var noGrad = torch.no_grad();
        long[] tokens = [3, 17, 42, 8, 91, 5, 60, 33, 2, 77];
        var full = model.Forward(TestModels.Ids(tokens));
        using var cache = new KvCache(model.Config, 1, tokens.Length, torch.CPU, model.Dtype);
        // A 4-token prefill, then a 2-token chunk, then one token at a time.
        var parts = new List<Tensor> { model.Forward(TestModels.Ids(tokens[..4]), cache: cache) };
        parts.Add(model.Forward(TestModels.Ids(tokens[4..6]), cache: cache));
        for (int i = 6; i < tokens.Length; i++) parts.Add(model.Forward(TestModels.Ids(tokens[i]), cache: cache));
        var incremental = torch.cat(parts, 1);
        Assert.Equal(tokens.Length, cache.Length);
        Assert.True(TestModels.MaxAbsDiff(full, incremental) < 1e-4, $"max diff {TestModels.MaxAbsDiff(full, incremental)}");
        Assert.True(full.abs().max().item<float>() > 0.1f); // logits are not trivially zero
    }

    [Theory]
    [InlineData(TestModels.Qwen)]
    [InlineData(TestModels.Llama)]
    public void LeftPaddedBatchMatchesEachSequenceAlone(string name)
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(name);
        using var noGrad = torch.no_grad();
        long[] a = [5, 9, 14, 20, 31, 2];
        long[] b = [7, 70, 12];
        var ids = TestModels.Ids([a, [0, 0, 0, .. b]]);
        var mask = TestModels.Ids([[1, 1, 1, 1, 1, 1], [0, 0, 0, 1, 1, 1]]);
        var batched = model.Forward(ids, mask);
        var aloneA = model.Forward(TestModels.Ids(a));
        var aloneB = model.Forward(TestModels.Ids(b));
        Assert.True(TestModels.MaxAbsDiff(batched[0].unsqueeze(0), aloneA) < 1e-4);
        Assert.True(TestModels.MaxAbsDiff(batched[1].narrow(0, 3, 3).unsqueeze(0), aloneB) < 1e-4);

        // Right padding too (training batches).
        var right = model.Forward(TestModels.Ids([a, [.. b, 0, 0, 0]]), TestModels.Ids([[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]]));
        Assert.True(TestModels.MaxAbsDiff(right[1].narrow(0, 0, 3).unsqueeze(0), aloneB) < 1e-4);
    }

    [Fact]
    public void LeftPaddedBatchWithCacheMatchesAlone()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(TestModels.DistillQwen);
        using var noGrad = torch.no_grad();
        long[] b = [7, 70, 12, 40];
        using var cache = new KvCache(model.Config, 2, 10, torch.CPU, model.Dtype);
        var mask = TestModels.Ids([[1, 1, 1, 1, 1, 1, 1], [0, 0, 1, 1, 1, 1, 1]]);
        model.Forward(TestModels.Ids([[1, 2, 3, 4, 5], [0, 0, 7, 70, 12]]), mask.narrow(1, 0, 5), cache);
        model.Forward(TestModels.Ids([[6], [40]]), mask.narrow(1, 0, 6), cache);
        var last = model.Forward(TestModels.Ids([[8], [9]]), mask, cache);
        var alone = model.Forward(TestModels.Ids([.. b, 9]));
        Assert.True(TestModels.MaxAbsDiff(last[1, -1], alone[0, -1]) < 1e-4);
    }

    [Fact]
    public void Bf16ForwardIsCloseToFp32()
    {
        using var scope = torch.NewDisposeScope();
        using var f32 = TestModels.Small(TestModels.Qwen, seed: 3);
        using var bf16 = TestModels.Small(TestModels.Qwen, seed: 3, dtype: ScalarType.BFloat16);
        using var noGrad = torch.no_grad();
        var ids = TestModels.Ids(4, 8, 15, 16, 23, 42);
        var a = f32.Forward(ids);
        var b = bf16.Forward(ids);
        Assert.Equal(ScalarType.BFloat16, b.dtype);
        float scale = a.abs().max().item<float>();
        float diff = TestModels.MaxAbsDiff(a, b);
        Assert.True(diff < 0.05f * scale, $"bf16 differs by {diff} on logits of magnitude {scale}");
        // Same top token at most positions.
        int agree = a.argmax(-1).eq(b.argmax(-1)).sum().item<long>() is long n ? (int)n : 0;
        Assert.True(agree >= 5, $"argmax agrees at {agree}/6 positions");
    }

    [Fact]
    public void ConvertingWithToKeepsRopeInFloat32AndMatchesABf16Model()
    {
        using var scope = torch.NewDisposeScope();
        using var converted = TestModels.Small(TestModels.Llama, seed: 3);
        converted.to(ScalarType.BFloat16);
        using var created = TestModels.Small(TestModels.Llama, seed: 3, dtype: ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, converted.Dtype);
        Assert.Equal(ScalarType.Float32, converted.Rotary.InverseFrequencyTable.dtype);
        Assert.Equal(RotaryEmbedding.InverseFrequencies(converted.Config), converted.Rotary.InverseFrequencyTable.data<float>().ToArray());
        using var noGrad = torch.no_grad();
        var ids = TestModels.Ids(4, 8, 15, 16, 23, 42);
        Assert.True(TestModels.BitEqual(created.Forward(ids), converted.Forward(ids)));
    }

    [Fact]
    public void LogitsToKeepReturnsTheLastPositions()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(TestModels.Qwen);
        using var noGrad = torch.no_grad();
        var ids = TestModels.Ids(1, 2, 3, 4);
        var all = model.Forward(ids);
        var last = model.Forward(ids, logitsToKeep: 1);
        Assert.Equal(new long[] { 1, 1, model.Config.VocabSize }, last.shape);
        Assert.True(TestModels.MaxAbsDiff(all.narrow(1, 3, 1), last) < 1e-5);
    }

    [Fact]
    public void BadMaskShapeIsAClearError()
    {
        using var model = TestModels.Small(TestModels.Qwen);
        var e = Assert.Throws<ArgumentException>(() => model.Forward(TestModels.Ids(1, 2, 3), TestModels.Ids(1, 1)));
        Assert.Contains("attentionMask", e.Message);
    }

    [Fact]
    public void GradientsFlowToEveryParameter()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(TestModels.Llama);
        model.train();
        var ids = TestModels.Ids(3, 1, 4, 1, 5, 9, 2, 6);
        var logits = model.Forward(ids.narrow(1, 0, 7));
        var loss = -TokenLogProbs.Gather(logits, ids.narrow(1, 1, 7)).mean();
        loss.backward();
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.NotNull(p.grad);
            Assert.True(p.grad!.abs().sum().item<float>() > 0, $"no gradient reached {name}");
        }
    }
}
