using R1Sharp.Models;
using R1Sharp.Training.LanguageModeling;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

/// <summary>
/// Attention inside packed samples (issue 18): the same outputs and gradients as libtorch's dense attention under the
/// block-diagonal causal mask the collator builds, for several head widths, grouped-query heads, bf16 inputs, helper
/// threads and gradient checkpointing; and packed forwards take it only for masks of exactly that form.
/// </summary>
public sealed class SegmentAttentionTests
{
    [Fact]
    public void RunsAreReadFromPositionsAndOtherLayoutsAreRefused()
    {
        var segments = PackedSegments.FromPositions(new long[] { 0, 1, 2, 0, 1, 0, 0, 0, 1, 2, 3, 4, 5, 6 }, rows: 2, length: 7)!;
        Assert.Equal([0, 3, 5, 6], segments.Starts(0).ToArray());
        Assert.Equal([3, 2, 1, 1], segments.Lengths(0).ToArray());
        Assert.Equal([0], segments.Starts(1).ToArray());
        Assert.Equal([7], segments.Lengths(1).ToArray());
        Assert.Equal(3, segments.Longest(0));
        Assert.Equal(6 + 3 + 1 + 1 + 28, segments.AttendedPairs);
        Assert.Null(PackedSegments.FromPositions(new long[] { 1, 2, 3 }, 1, 3)); // a run that does not start at 0
        Assert.Null(PackedSegments.FromPositions(new long[] { 0, 1, 3 }, 1, 3)); // a run that skips a position
        Assert.Null(PackedSegments.FromPositions(new long[] { 0, 1, 2 }, 2, 3)); // the wrong size
    }

    [Fact]
    public void OnlyTheBlockDiagonalCausalMaskOfThePositionsMatches()
    {
        using var scope = NewDisposeScope();
        var batch = Collate(10, [5, 3, 1], [7]);
        var segments = PackedSegments.Match(batch.PositionIds, batch.AttentionMask);
        Assert.NotNull(segments);
        Assert.Equal([0, 5, 8, 9], segments!.Starts(0).ToArray()); // two samples, then a sample of one and one padding position
        Assert.Equal([5, 3, 1, 1], segments.Lengths(0).ToArray());
        // A mask that lets a sample see the next one, or a full (bidirectional) mask, is another function: refused.
        var leaky = batch.AttentionMask.clone();
        leaky[0, 0, 5, 4] = tensor(true);
        Assert.Null(PackedSegments.Match(batch.PositionIds, leaky));
        var holed = batch.AttentionMask.clone(); // a key the sample's own query should see, masked
        holed[0, 0, 3, 1] = tensor(false);
        Assert.Null(PackedSegments.Match(batch.PositionIds, holed));
        var padding = batch.AttentionMask.clone(); // a padding position that sees the sample before it
        padding[0, 0, 9, 8] = tensor(true);
        Assert.Null(PackedSegments.Match(batch.PositionIds, padding));
        Assert.Null(PackedSegments.Match(batch.PositionIds, ones_like(batch.AttentionMask)));
        Assert.Null(PackedSegments.Match(batch.PositionIds.narrow(1, 0, 9), batch.AttentionMask));
    }

    [Fact]
    public void WholeRowsAreOneRunEachAndMatchTheCausalMask()
    {
        using var scope = NewDisposeScope();
        var whole = PackedSegments.WholeRows(3, 7);
        Assert.Equal((3, 7), (whole.Rows, whole.Length));
        for (int row = 0; row < 3; row++)
        {
            Assert.Equal([0], whole.Starts(row).ToArray());
            Assert.Equal([7], whole.Lengths(row).ToArray());
        }
        Assert.Equal(3 * 28, whole.AttendedPairs);
        var causal = ones(7, 7, ScalarType.Bool).tril().expand(3, 1, 7, 7);
        Assert.True(whole.IsMaskOf(causal));
        Assert.False(PackedSegments.WholeRows(3, 6).IsMaskOf(causal));
        Assert.Throws<ArgumentOutOfRangeException>(() => PackedSegments.WholeRows(0, 7));
        var single = Collate(64, [64], [60]); // rows of one long sample (and padding) are runs too
        Assert.NotNull(PackedSegments.Match(single.PositionIds, single.AttentionMask));
    }

    [Theory]
    [InlineData(32, 4, 2)]
    [InlineData(16, 2, 2)]
    [InlineData(24, 4, 1)] // a head width that is not a multiple of 16: the scalar tails
    [InlineData(64, 6, 2)]
    [InlineData(80, 2, 1)] // 64 + 16: the four-query tile's wide and single-vector loops in one head
    [InlineData(128, 4, 2)] // Qwen3's head width: the wide loops twice
    public void OutputsAndGradientsEqualDenseMaskedAttention(int headDim, int heads, int kvHeads)
    {
        using var scope = NewDisposeScope();
        // Samples longer than 64 cover the kernel's four-blocks-at-a-time scores; short ones its single blocks.
        var batch = Collate(100, [70, 9, 1, 17], [3, 40, 2], [100]);
        var segments = PackedSegments.Match(batch.PositionIds, batch.AttentionMask)!;
        var (q, k, v) = Inputs(3, heads, kvHeads, 100, headDim, ScalarType.Float32, seed: headDim);
        var weights = randn(3, heads, 100, headDim, generator: new Generator(7));

        var ours = SegmentAttention.Forward(q, k, v, segments);
        (ours * weights).sum().backward();
        var (dq, dk, dv) = (q.grad!.clone(), k.grad!.clone(), v.grad!.clone());
        foreach (var x in new[] { q, k, v }) x.grad!.zero_();

        var reference = DenseMasked(q, k, v, batch.AttentionMask);
        (reference * weights).sum().backward();

        AssertClose(reference, ours, 1e-5, "output");
        AssertClose(q.grad!, dq, 1e-4, "dQ");
        AssertClose(k.grad!, dk, 1e-4, "dK");
        AssertClose(v.grad!, dv, 1e-4, "dV");
    }

    [Fact]
    public void InputsOfAnotherShapeAreRefusedWithTheirShapes()
    {
        using var scope = NewDisposeScope();
        var batch = Collate(20, [12, 8]);
        var segments = PackedSegments.Match(batch.PositionIds, batch.AttentionMask)!;
        var (q, k, v) = Inputs(1, 4, 2, 20, 16, ScalarType.Float32, seed: 3);
        var error = Assert.Throws<ArgumentException>(() => SegmentAttention.Forward(q, k.narrow(2, 0, 19), v, segments));
        Assert.Contains("[1, 2, 19, 16]", error.Message, StringComparison.Ordinal);
        var (q3, k3, v3) = Inputs(1, 3, 2, 20, 16, ScalarType.Float32, seed: 3); // 3 query heads over 2 key/value heads
        Assert.Throws<ArgumentException>(() => SegmentAttention.Forward(q3, k3, v3, segments));
        Assert.Throws<ArgumentException>(() => SegmentAttention.Forward(q.narrow(0, 0, 1).repeat(2, 1, 1, 1), k, v, segments));
    }

    [Fact]
    public void Bf16InputsAttendInFloat32AndComeBackInBf16()
    {
        using var scope = NewDisposeScope();
        var batch = Collate(33, [12, 20], [33]);
        var segments = PackedSegments.Match(batch.PositionIds, batch.AttentionMask)!;
        var (q, k, v) = Inputs(2, 4, 2, 33, 32, ScalarType.BFloat16, seed: 5);
        var ours = SegmentAttention.Forward(q, k, v, segments);
        Assert.Equal(ScalarType.BFloat16, ours.dtype);
        using (no_grad())
        {
            var reference = DenseMasked(q.to(ScalarType.Float32), k.to(ScalarType.Float32), v.to(ScalarType.Float32), batch.AttentionMask);
            AssertClose(reference, ours.to(ScalarType.Float32), 1e-2, "bf16 output");
        }
        ours.to(ScalarType.Float32).sum().backward();
        Assert.Equal(ScalarType.BFloat16, q.grad!.dtype);
        Assert.True(k.grad!.to(ScalarType.Float32).abs().sum().item<float>() > 0);
    }

    [Fact]
    public void HelperThreadsComputeTheSameBits()
    {
        using var scope = NewDisposeScope();
        var batch = Collate(60, [30, 30], [60], [7, 8, 9], [59]);
        var segments = PackedSegments.Match(batch.PositionIds, batch.AttentionMask)!;
        var (q, k, v) = Inputs(4, 4, 2, 60, 32, ScalarType.Float32, seed: 11);
        using var noGrad = no_grad();
        var (alone, aloneLse) = SegmentAttentionFunction.Attend(q, k, v, segments, helpers: 0);
        var (helped, helpedLse) = SegmentAttentionFunction.Attend(q, k, v, segments, helpers: 1);
        Assert.True(alone.equal(helped).all().item<bool>() && aloneLse.equal(helpedLse).all().item<bool>(), "one thread and two disagree");
        Assert.True(alone.abs().sum().item<float>() > 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the checkpointed layers carry the runs into their recomputation
    public void PackedForwardGivesTheSameLogitsAndGradientsWithAndWithoutIt(bool checkpointing)
    {
        using var scope = NewDisposeScope();
        using var model = CausalLanguageModel.Create(TestModels.SmallConfig(TestModels.Qwen), CPU, ScalarType.Float32, seed: 4);
        model.GradientCheckpointing = checkpointing;
        var batch = Collate(40, [20, 11, 6], [25, 12]);
        Assert.NotNull(PackedSegments.Match(batch.PositionIds, batch.AttentionMask)); // else the packed forward stays dense: nothing compared
        var results = new List<(Tensor Logits, Tensor Gradient)>();
        foreach (bool segmented in new[] { false, true })
        {
            model.zero_grad();
            var forward = new PackedCausalForward(model) { UseSegmentAttention = segmented };
            var logits = forward.Logits(batch);
            CrossEntropyStep.TokenLossSum(logits, batch.Labels).backward();
            results.Add((logits.detach(), cat(model.parameters().Select(p => p.grad!.flatten()).ToList(), 0)));
        }
        AssertClose(results[0].Logits, results[1].Logits, 1e-5, "logits");
        AssertClose(results[0].Gradient, results[1].Gradient, 1e-4, "parameter gradients");
    }

    [Theory]
    [InlineData("Float32", false)]
    [InlineData("BFloat16", false)]
    [InlineData("Float32", true)] // the checkpointed layers carry the whole-row runs into their recomputation
    public void AnUnpaddedCausalForwardGivesTheSameLogitsAndGradientsThroughTheKernel(string dtype, bool checkpointing)
    {
        using var scope = NewDisposeScope();
        var type = Enum.Parse<ScalarType>(dtype);
        using var model = CausalLanguageModel.Create(TestModels.SmallConfig(TestModels.Qwen), CPU, type, seed: 6);
        model.GradientCheckpointing = checkpointing;
        var ids = randint(1, 90, [3, 37], generator: new Generator(8));
        AssertKernelMatchesLibtorch(model, () =>
        {
            var logits = model.Forward(ids).to(ScalarType.Float32);
            return (logits, CrossEntropyStep.TokenLossSum(logits.narrow(1, 0, 36), ids.narrow(1, 1, 36)));
        });
    }

    [Fact]
    public void TokenBlocksAreOneRunAndEachPaddingPositionAnother()
    {
        using var scope = NewDisposeScope();
        var valid = tensor(new[,] { { false, false, true, true, true, false }, { true, true, true, true, true, true }, { false, false, false, false, false, false } });
        var runs = PackedSegments.FromTokenBlocks(valid)!;
        Assert.Equal([0, 1, 2, 5], runs.Starts(0).ToArray());
        Assert.Equal([1, 1, 3, 1], runs.Lengths(0).ToArray());
        Assert.Equal([0], runs.Starts(1).ToArray());
        Assert.Equal([6], runs.Lengths(1).ToArray());
        Assert.Equal(Enumerable.Range(0, 6).ToArray(), runs.Starts(2).ToArray());
        var holed = tensor(new[,] { { true, false, true } }); // tokens in two blocks: not this layout
        Assert.Null(PackedSegments.FromTokenBlocks(holed));
    }

    [Theory]
    [InlineData("Float32")]
    [InlineData("BFloat16")]
    public void APaddedForwardGivesTheSameTokenLogitsAndGradientsThroughTheKernel(string dtype)
    {
        using var scope = NewDisposeScope();
        var type = Enum.Parse<ScalarType>(dtype);
        using var model = CausalLanguageModel.Create(TestModels.SmallConfig(TestModels.Qwen), CPU, type, seed: 9);
        var ids = randint(1, 90, [3, 21], generator: new Generator(10));
        // Left padding, right padding, both: GRPO's prompt + completion rows.
        var valid = ones(3, 21, ScalarType.Bool);
        valid[0, TensorIndex.Slice(0, 4)] = tensor(false);
        valid[1, TensorIndex.Slice(16, 21)] = tensor(false);
        valid[2, TensorIndex.Slice(0, 2)] = tensor(false);
        valid[2, TensorIndex.Slice(18, 21)] = tensor(false);
        var tokens = valid.to(ScalarType.Float32).unsqueeze(-1);
        AssertKernelMatchesLibtorch(model, () =>
        {
            var logits = model.Forward(ids, valid).to(ScalarType.Float32) * tokens; // padding outputs are read by nothing
            return (logits, (logits * logits).sum());
        });

        // Tokens in two blocks stay on the dense path: the same bits either way.
        valid[1, 3] = tensor(false);
        var dense = new List<Tensor>();
        foreach (bool kernel in new[] { false, true })
        {
            model.UseSegmentAttention = kernel;
            using var noGrad = no_grad();
            dense.Add(model.Forward(ids, valid));
        }
        Assert.True(dense[0].equal(dense[1]).all().item<bool>());
    }

    // The model's logits and parameter gradients (of the loss forward returns) with its attention on libtorch's kernels
    // and through the segment kernel: close (both attend in float32; bf16 weights round the same products on either path,
    // so only summation order differs), and not the same bits (else the kernel was not used).
    private static void AssertKernelMatchesLibtorch(CausalLanguageModel model, Func<(Tensor Logits, Tensor Loss)> forward)
    {
        var results = new List<(Tensor Logits, Tensor Gradient)>();
        foreach (bool kernel in new[] { false, true })
        {
            model.UseSegmentAttention = kernel;
            model.zero_grad();
            var (logits, loss) = forward();
            loss.backward();
            results.Add((logits.detach(), cat(model.parameters().Select(p => p.grad!.to(ScalarType.Float32).flatten()).ToList(), 0)));
        }
        bool bf16 = model.Dtype == ScalarType.BFloat16;
        AssertClose(results[0].Logits, results[1].Logits, bf16 ? 2e-2 : 1e-5, "logits");
        AssertClose(results[0].Gradient, results[1].Gradient, bf16 ? 5e-2 : 1e-4, "parameter gradients");
        Assert.False(results[0].Logits.equal(results[1].Logits).all().item<bool>() && results[0].Gradient.equal(results[1].Gradient).all().item<bool>(),
            "the same bits on both paths: the kernel was not used");
    }

    // Rows of samples of the given lengths (token ids from a fixed stream, every token trainable), padded to width.
    private static TokenBatch Collate(int width, params int[][] rows)
    {
        var samples = new List<TokenizedSequence>();
        var packed = new List<PackedRow>();
        foreach (var lengths in rows)
        {
            var indices = new List<int>();
            foreach (int length in lengths)
            {
                indices.Add(samples.Count);
                samples.Add(new TokenizedSequence([.. Enumerable.Range(0, length).Select(i => 1 + (i * 7 + samples.Count) % 90)], [.. Enumerable.Repeat(true, length)], $"sample {samples.Count}"));
            }
            packed.Add(new PackedRow(indices, width)); // the row's width: what the samples leave is padding
        }
        var batch = new TokenBatchCollator(samples, padId: 0).Collate(packed, CPU);
        Assert.Equal(width, batch.InputIds.shape[1]);
        return batch;
    }

    private static (Tensor Q, Tensor K, Tensor V) Inputs(int batch, int heads, int kvHeads, int length, int headDim, ScalarType dtype, int seed)
    {
        var generator = new Generator((ulong)seed);
        Tensor Make(int h) => randn(batch, h, length, headDim, generator: generator).to(dtype).requires_grad_();
        return (Make(heads), Make(kvHeads), Make(kvHeads));
    }

    // libtorch's attention with the collator's mask, each kv head repeated for its query heads.
    private static Tensor DenseMasked(Tensor q, Tensor k, Tensor v, Tensor mask)
    {
        long group = q.shape[1] / k.shape[1];
        return nn.functional.scaled_dot_product_attention(q, k.repeat_interleave(group, 1), v.repeat_interleave(group, 1), mask);
    }

    private static void AssertClose(Tensor expected, Tensor actual, double relative, string what)
    {
        double scale = Math.Max(1e-6, expected.abs().max().item<float>());
        double difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference <= relative * scale, $"{what}: max |difference| {difference:E3} against values up to {scale:E3}");
    }
}
