using R1Sharp.Generation;
using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

// DecodeAttention against libtorch's path (rotary, cache copies, scaled_dot_product_attention): the same model decodes
// the same tokens with the small-batch kernels forced on (every decode step through DecodeAttention and the fused
// projections) and forced off (libtorch only).
public class DecodeAttentionTests
{
    [Theory]
    [InlineData(TestModels.Qwen)]   // q/k/v biases, grouped-query heads
    [InlineData(TestModels.Qwen3)]  // q/k norms, head_dim 32 wider than hidden / heads
    [InlineData(TestModels.Llama)]  // llama3 rope scaling
    public void Fp32DecodeStepsEqualLibtorchsWithPaddingAndGroupedHeads(string name)
    {
        using var model = TestModels.Small(name);
        var (ours, theirs) = DecodeBothWays(model, steps: 6);
        for (int step = 0; step < ours.Count; step++)
        {
            float scale = theirs[step].abs().max().item<float>();
            float diff = TestModels.MaxAbsDiff(ours[step], theirs[step]);
            Assert.True(diff <= 1e-4f * scale + 1e-5f, $"{name} step {step}: logits differ by {diff} (scale {scale})");
        }
    }

    [Fact]
    public void Bf16DecodeStepsStayWithinBf16RoundingOfLibtorchs()
    {
        using var model = TestModels.Small(TestModels.Qwen, dtype: ScalarType.BFloat16);
        var (ours, theirs) = DecodeBothWays(model, steps: 4);
        for (int step = 0; step < ours.Count; step++)
        {
            float scale = theirs[step].to(ScalarType.Float32).abs().max().item<float>();
            float diff = TestModels.MaxAbsDiff(ours[step], theirs[step]);
            // Both round every layer's outputs to bf16 (2^-8 relative); the sums inside differ in order.
            Assert.True(diff <= 0.03f * scale, $"step {step}: logits differ by {diff} (scale {scale})");
        }
    }

    [Fact]
    public void WritesTheSameKeysAndValuesIntoTheCache()
    {
        using var model = TestModels.Small(TestModels.Qwen);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var caches = new List<KvCache>();
        try
        {
            foreach (var mode in new[] { SmallBatchLinearMode.Always, SmallBatchLinearMode.Off })
            {
                using var decoding = SmallBatchLinear.Decoding(mode);
                var cache = new KvCache(model.Config, 2, 8, torch.CPU, model.Dtype);
                caches.Add(cache);
                var mask = TestModels.Ids([[1, 1, 1, 1, 1], [0, 1, 1, 1, 1]]);
                model.Forward(TestModels.Ids([[3, 4, 5], [0, 8, 9]]), mask.narrow(1, 0, 3), cache);
                model.Forward(TestModels.Ids([[6], [10]]), mask.narrow(1, 0, 4), cache);
                model.Forward(TestModels.Ids([[7], [11]]), mask, cache);
            }
            for (int layer = 0; layer < model.Config.NumHiddenLayers; layer++)
            {
                var (keys, values) = caches[0].Storage(layer);
                var (theirKeys, theirValues) = caches[1].Storage(layer);
                Assert.True(TestModels.MaxAbsDiff(keys, theirKeys) < 1e-5f, $"layer {layer} keys");
                Assert.True(TestModels.MaxAbsDiff(values, theirValues) < 1e-5f, $"layer {layer} values");
            }
        }
        finally
        {
            foreach (var cache in caches) cache.Dispose();
        }
    }

    [Fact]
    public void GeneratorGivesTheSameGreedyTokensWhenRowsFinishEarly()
    {
        // Rows that finish are dropped from the cache (KeepRows) mid-generation; prompts of different lengths are
        // left-padded. Long enough for the attention to take the helper threads (16 rows × 4 heads × 300 positions).
        using var model = TestModels.Small(TestModels.Qwen);
        var prompts = Enumerable.Range(0, 16)
            .Select(r => (IReadOnlyList<int>)Enumerable.Range(0, 280 + r).Select(i => (i * 31 + r * 7) % 90 + 1).ToArray()).ToList();
        var options = new SamplingOptions { Temperature = 0, MaxNewTokens = 12, EosIds = [17, 23] };
        var generator = new BatchedGenerator(model);
        IReadOnlyList<GeneratedSequence> ours, theirs;
        using (SmallBatchLinear.Decoding(SmallBatchLinearMode.Always)) ours = generator.Generate(prompts, options);
        using (SmallBatchLinear.Decoding(SmallBatchLinearMode.Off)) theirs = generator.Generate(prompts, options);
        Assert.Contains(theirs, s => s.Tokens.Length < options.MaxNewTokens); // some rows did finish early
        for (int i = 0; i < prompts.Count; i++)
        {
            Assert.Equal(theirs[i].Tokens, ours[i].Tokens);
            for (int t = 0; t < ours[i].LogProbs.Length; t++) Assert.True(Math.Abs(theirs[i].LogProbs[t] - ours[i].LogProbs[t]) < 1e-4, $"row {i} token {t}");
        }
    }

    [Fact]
    public void TakesOnlyDecodeStepsOfTheKernelsProducts()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var model = TestModels.Small(TestModels.Qwen);
        using var cache = new KvCache(model.Config, 1, 4, torch.CPU, model.Dtype);
        var weight = torch.randn(64, 64);
        var step = torch.randn(1, 1, 64);
        Assert.False(DecodeAttention.Takes(step, weight, cache, 16));                 // not decoding
        using (SmallBatchLinear.Decoding(SmallBatchLinearMode.Always))
        {
            Assert.True(DecodeAttention.Takes(step, weight, cache, 16));
            Assert.False(DecodeAttention.Takes(step, weight, null, 16));              // no cache: a full forward
            Assert.False(DecodeAttention.Takes(torch.randn(1, 2, 64), weight, cache, 16)); // two new tokens: prefill
            Assert.False(DecodeAttention.Takes(step, weight, cache, 24));             // head width not a multiple of 16
            using var bf16Cache = new KvCache(model.Config, 1, 4, torch.CPU, ScalarType.BFloat16);
            Assert.False(DecodeAttention.Takes(step, weight, bf16Cache, 16));         // a cache in another dtype: libtorch converts
        }
        using (SmallBatchLinear.Decoding(SmallBatchLinearMode.Measured))
            Assert.False(DecodeAttention.Takes(step, weight, cache, 16));             // the built-in models' sizes stay on libtorch
    }

    // Two rows, the second left-padded; a prefill of three positions, then `steps` decode steps feeding the tokens the
    // libtorch run chose, so both ways see the same inputs. Returns each step's logits [2, V] as float32.
    private static (List<Tensor> Ours, List<Tensor> Theirs) DecodeBothWays(CausalLanguageModel model, int steps)
    {
        using var noGrad = torch.no_grad();
        var ours = new List<Tensor>();
        var theirs = new List<Tensor>();
        var chosen = new List<long[]>();
        foreach (var (mode, into) in new[] { (SmallBatchLinearMode.Off, theirs), (SmallBatchLinearMode.Always, ours) })
        {
            using var decoding = SmallBatchLinear.Decoding(mode);
            using var cache = new KvCache(model.Config, 2, 3 + steps, torch.CPU, model.Dtype);
            var mask = torch.ones([2, 3 + steps], ScalarType.Int64);
            mask[1, 0] = torch.tensor(0L);
            var logits = model.Forward(TestModels.Ids([[3, 4, 5], [0, 8, 9]]), mask.narrow(1, 0, 3), cache, logitsToKeep: 1);
            for (int step = 0; step < steps; step++)
            {
                if (mode == SmallBatchLinearMode.Off) chosen.Add(logits[.., -1].argmax(-1).data<long>().ToArray());
                var next = torch.tensor(chosen[step], [2, 1], ScalarType.Int64);
                logits = model.Forward(next, mask.narrow(1, 0, 4 + step), cache, logitsToKeep: 1);
                into.Add(logits[.., -1].to(ScalarType.Float32).DetachFromDisposeScope());
            }
        }
        return (ours, theirs);
    }
}
