using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

public class SmallBatchLinearTests
{
    [Theory]
    [InlineData(1, 896, 131, true)]
    [InlineData(1, 100, 9, true)]       // one input: 64-element steps, a 16-element step and a 4-element tail
    [InlineData(2, 37, 5, false)]
    [InlineData(3, 64, 1, true)]
    [InlineData(4, 896, 1000, false)]   // several bands on the thread pool
    [InlineData(5, 100, 7, true)]       // a 4-input tile and a 1-input remainder; 100 = 6 vectors + a 4-element tail
    [InlineData(16, 256, 303, true)]
    public void Fp32EqualsLibtorch(int rows, int inFeatures, int outFeatures, bool withBias)
    {
        using var scope = torch.NewDisposeScope();
        var (x, w, b) = Operands(rows, inFeatures, outFeatures, withBias, ScalarType.Float32);
        using var noGrad = torch.no_grad();
        Assert.True(SmallBatchLinear.Accepts(x, w, b));
        var ours = SmallBatchLinear.Forward(x, w, b);
        var expected = nn.functional.linear(x, w, b);
        Assert.Equal(expected.shape, ours.shape);
        double scale = expected.abs().max().item<float>();
        double worst = (ours - expected).abs().max().item<float>();
        Assert.True(worst <= 1e-5 * scale, $"max difference {worst} against a scale of {scale}");
    }

    [Theory]
    [InlineData(1, 896, 64, false)]
    [InlineData(7, 33, 9, true)]
    [InlineData(16, 512, 200, true)]
    public void Bf16EqualsLibtorchWithinOneRounding(int rows, int inFeatures, int outFeatures, bool withBias)
    {
        using var scope = torch.NewDisposeScope();
        var (x, w, b) = Operands(rows, inFeatures, outFeatures, withBias, ScalarType.BFloat16);
        using var noGrad = torch.no_grad();
        Assert.True(SmallBatchLinear.Accepts(x, w, b));
        var ours = SmallBatchLinear.Forward(x, w, b);
        Assert.Equal(ScalarType.BFloat16, ours.dtype);
        // The exact result for the bf16 operands, in fp64. Ours rounds once to bf16 (fp32 sums); libtorch rounds the
        // product and then the sum with the bias, so both lie within a bf16 step (2^-8) of |xWᵀ| + |b| of it.
        var product = nn.functional.linear(x.to(ScalarType.Float64), w.to(ScalarType.Float64));
        var exact = b is null ? product : product + b.to(ScalarType.Float64);
        var theirs = nn.functional.linear(x, w, b).to(ScalarType.Float64);
        var tolerance = (product.abs() + (b is null ? 0 : b.to(ScalarType.Float64).abs())) * (2.0 / 256) + 1e-3;
        Assert.True((ours.to(ScalarType.Float64) - exact).abs().le(tolerance).all().item<bool>());
        Assert.True((theirs - exact).abs().le(tolerance).all().item<bool>());
    }

    public static TheoryData<int, int, bool> EveryRowCount()
    {
        var data = new TheoryData<int, int, bool>();
        for (int rows = 1; rows <= SmallBatchLinear.MaxRows; rows++) data.Add(rows, rows % 2 == 0 ? 77 : 64, rows % 3 == 0);
        return data;
    }

    // Every input count (4-input tiles, then a 2-, 3- or 1-input remainder), odd and even K with and without a tail
    // after the 32- and 16-element loops, a row count that is not a multiple of the 4-row tile, in both dtypes.
    [Theory]
    [MemberData(nameof(EveryRowCount))]
    public void EveryRowCountEqualsLibtorch(int rows, int inFeatures, bool withBias)
    {
        foreach (var type in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            using var scope = torch.NewDisposeScope();
            var (x, w, b) = Operands(rows, inFeatures, 39, withBias, type);
            using var noGrad = torch.no_grad();
            var ours = SmallBatchLinear.Forward(x, w, b).to(ScalarType.Float64);
            var exact = nn.functional.linear(x.to(ScalarType.Float64), w.to(ScalarType.Float64), b?.to(ScalarType.Float64));
            // fp32: sums in another order; bf16: one rounding of the result (2^-8 relative) on top.
            double relative = type == ScalarType.Float32 ? 1e-5 : 2.0 / 256;
            var magnitude = nn.functional.linear(x.to(ScalarType.Float64).abs(), w.to(ScalarType.Float64).abs(), b?.to(ScalarType.Float64).abs());
            Assert.True((ours - exact).abs().le(magnitude * relative + 1e-6).all().item<bool>(), $"{type}, {rows} rows");
        }
    }

    [Fact]
    public void FusedProductsEqualEachProductAlone()
    {
        // q, k and v (or gate and up) in one call: chunks of every weight in one job, each output its own tensor.
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (int rows in new[] { 1, 3 })
        {
            var (x, wq, bq) = Operands(rows, 96, 200, true, ScalarType.Float32);
            var (_, wk, _) = Operands(rows + 1, 96, 40, false, ScalarType.Float32);
            var (_, wv, bv) = Operands(rows + 2, 96, 1000, true, ScalarType.Float32);
            var fused = SmallBatchLinear.Products(x, [wq, wk, wv], [bq, null, bv]);
            Assert.Equal(3, fused.Length);
            Assert.True(TestModels.BitEqual(fused[0], SmallBatchLinear.Forward(x, wq, bq)));
            Assert.True(TestModels.BitEqual(fused[1], SmallBatchLinear.Forward(x, wk, null)));
            Assert.True(TestModels.BitEqual(fused[2], SmallBatchLinear.Forward(x, wv, bv)));
            Assert.Equal([1L, rows, 1000], fused[2].shape);
        }
    }

    [Fact]
    public void PrefersTheKernelForFp32UpToSixteenRowsAndBf16UpToFour()
    {
        Assert.True(SmallBatchLinear.PrefersKernel(ScalarType.Float32, 1));
        Assert.True(SmallBatchLinear.PrefersKernel(ScalarType.Float32, SmallBatchLinear.MaxRows));
        Assert.False(SmallBatchLinear.PrefersKernel(ScalarType.Float32, SmallBatchLinear.MaxRows + 1));
        Assert.True(SmallBatchLinear.PrefersKernel(ScalarType.BFloat16, 4));
        Assert.False(SmallBatchLinear.PrefersKernel(ScalarType.BFloat16, 5));
        Assert.False(SmallBatchLinear.PrefersKernel(ScalarType.Float16, 1));
        Assert.False(SmallBatchLinear.PrefersKernel(ScalarType.Float32, 0));
    }

    [Fact]
    public void ConcurrentCallersAndHelperThreadsGiveTheSameSums()
    {
        // Large enough for the helper threads (many row chunks); two callers at once: one gets the helpers, the other
        // runs alone. Every call must give the very same numbers (each output is one thread's sum in a fixed order).
        using var scope = torch.NewDisposeScope();
        var (x, w, b) = Operands(3, 160, 2001, true, ScalarType.Float32);
        using var noGrad = torch.no_grad();
        var expected = SmallBatchLinear.Forward(x, w, b);
        var results = new Tensor[8];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var threadNoGrad = torch.no_grad();
            results[i] = SmallBatchLinear.Forward(x, w, b);
        });
        foreach (var result in results) Assert.True(torch.allclose(expected, result, rtol: 0, atol: 0));
        Assert.True(torch.allclose(expected, nn.functional.linear(x, w, b), rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void OnlyDecodingRegionsUseTheKernelAndMeasuredModeFollowsThePreference()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var w = torch.randn(8, 8192).to(ScalarType.BFloat16);
        var one = torch.randn(1, 8192).to(ScalarType.BFloat16);
        var sixteen = torch.randn(16, 8192).to(ScalarType.BFloat16);
        var smallWeight = torch.randn(8, 32).to(ScalarType.BFloat16);
        var smallInput = torch.randn(1, 32).to(ScalarType.BFloat16);
        // Outside a decoding region (training's no-grad forwards: checkpointing, chunked log-probs): never.
        Assert.False(SmallBatchLinear.Takes(one, w, null));
        using (SmallBatchLinear.Decoding(SmallBatchLinearMode.Measured))
        {
            Assert.Equal(SmallBatchLinear.PrefersKernel(ScalarType.BFloat16, 1), SmallBatchLinear.Takes(one, w, null));
            Assert.Equal(SmallBatchLinear.PrefersKernel(ScalarType.BFloat16, 16), SmallBatchLinear.Takes(sixteen, w, null));
            Assert.NotEqual(SmallBatchLinear.Takes(one, w, null), SmallBatchLinear.Takes(sixteen, w, null));
            // Weights below the measured sizes (the built-in models') stay on libtorch unless the kernel is forced.
            Assert.False(SmallBatchLinear.Takes(smallInput, smallWeight, null));
            using (SmallBatchLinear.Decoding(SmallBatchLinearMode.Always)) Assert.True(SmallBatchLinear.Takes(smallInput, smallWeight, null));
            using (SmallBatchLinear.Decoding(SmallBatchLinearMode.Off)) Assert.False(SmallBatchLinear.Takes(one, w, null));
            using (SmallBatchLinear.Decoding(SmallBatchLinearMode.Always)) Assert.True(SmallBatchLinear.Takes(sixteen, w, null));
        }
        Assert.False(SmallBatchLinear.Takes(one, w, null));
        using (torch.enable_grad())
        using (SmallBatchLinear.Decoding(SmallBatchLinearMode.Always))
        {
            Assert.False(SmallBatchLinear.Takes(one, w, null)); // autograd on: a training forward
        }
    }

    [Fact]
    public void RoundsToNearestEven()
    {
        using var noGrad = torch.no_grad();
        // 1 + 2^-8 lies halfway between bf16 1.0 and 1 + 2^-7: ties go to the even one, 1.0.
        using var x = torch.tensor(new float[] { 1f + 1f / 256 }, ScalarType.BFloat16); // rounds on creation too
        using var one = torch.ones([1, 1], ScalarType.BFloat16);
        using var bias = torch.tensor(new float[] { 1f / 256 }, ScalarType.BFloat16);
        using var input = torch.ones([1, 1], ScalarType.BFloat16);
        using var y = SmallBatchLinear.Forward(input, one, bias); // 1 + 2^-8 in fp32, then rounded
        Assert.Equal(1f, y.to(ScalarType.Float32).item<float>());
        using var third = torch.tensor(new float[] { 3f / 256 }, ScalarType.BFloat16);
        using var z = SmallBatchLinear.Forward(input, one, third); // 1 + 3·2^-8: halfway to 1 + 2^-6, ties to even
        Assert.Equal(1f + 1f / 64, z.to(ScalarType.Float32).item<float>());
    }

    [Fact]
    public void DeclinesWhatItDoesNotTake()
    {
        using var scope = torch.NewDisposeScope();
        var (x, w, b) = Operands(3, 32, 8, true, ScalarType.Float32);
        Assert.False(SmallBatchLinear.Accepts(x, w, b)); // autograd on
        using var noGrad = torch.no_grad();
        Assert.True(SmallBatchLinear.Accepts(x, w, b));
        Assert.False(SmallBatchLinear.Accepts(torch.randn(17, 32), w, b));                         // too many rows
        Assert.False(SmallBatchLinear.Accepts(x.to(ScalarType.Float64), w.to(ScalarType.Float64), null));
        Assert.False(SmallBatchLinear.Accepts(x, torch.randn(32, 8).t(), b));                      // not contiguous
        Assert.False(SmallBatchLinear.Accepts(x.to(ScalarType.BFloat16), w, b));                   // mixed types
        Assert.Throws<ArgumentException>(() => SmallBatchLinear.Forward(torch.randn(17, 32), w, b));
    }

    [Fact]
    public void DecodingWithTheKernelEqualsTheFullForward()
    {
        using var model = TestModels.Small(TestModels.Qwen);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var decoding = SmallBatchLinear.Decoding(SmallBatchLinearMode.Always);
        var ids = torch.tensor(new long[] { 5, 9, 2, 7, 11 }).unsqueeze(0);
        var full = model.Forward(ids);                     // 5 rows: libtorch's GEMM
        var one = model.Forward(ids[.., ..1]);             // 1 row: every projection and the head through the kernel
        Assert.True(torch.allclose(one[0, 0], full[0, 0], rtol: 1e-4, atol: 1e-5));
    }

    private static (Tensor X, Tensor W, Tensor? B) Operands(int rows, int inFeatures, int outFeatures, bool withBias, ScalarType type)
    {
        var generator = torch.manual_seed(rows * 1000 + inFeatures);
        var x = torch.randn([1, rows, inFeatures], generator: generator).to(type);
        var w = (torch.randn([outFeatures, inFeatures], generator: generator) / Math.Sqrt(inFeatures)).to(type);
        var b = withBias ? torch.randn([outFeatures], generator: generator).to(type) : null;
        return (x, w, b);
    }
}
