using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

public class RmsNormRowsTests
{
    [Theory]
    [InlineData(1, 896)]
    [InlineData(3, 64)]
    [InlineData(16, 100)] // a 4-element tail after the 16-wide steps
    public void Fp32EqualsTheModule(int rows, int width)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (norm, x) = Operands(rows, width, ScalarType.Float32);
        var ours = RmsNormRows.Forward(x, norm.get_parameter("weight")!, 1e-6);
        var theirs = norm.forward(x);
        Assert.Equal(theirs.shape, ours.shape);
        Assert.True(TestModels.MaxAbsDiff(ours, theirs) <= 1e-5f * theirs.abs().max().item<float>());
    }

    [Fact]
    public void Bf16RoundsAsTheModuleDoes()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (norm, x) = Operands(4, 896, ScalarType.BFloat16);
        var ours = RmsNormRows.Forward(x, norm.get_parameter("weight")!, 1e-6);
        var theirs = norm.forward(x);
        Assert.Equal(ScalarType.BFloat16, ours.dtype);
        // Two roundings to bf16 on both sides (the normed row, then its product with the weight); the mean of squares
        // may differ in its last fp32 bits, which moves a result by at most one bf16 step (2^-7 relative).
        var diff = (ours.to(ScalarType.Float32) - theirs.to(ScalarType.Float32)).abs();
        var step = theirs.to(ScalarType.Float32).abs() * (1.0 / 128) + 1e-6;
        Assert.True(diff.le(step).all().item<bool>());
        Assert.True(diff.eq(0).to(ScalarType.Float32).mean().item<float>() > 0.95f, "nearly every element equals libtorch's");
    }

    private static (RmsNorm Norm, Tensor X) Operands(int rows, int width, ScalarType type)
    {
        var generator = torch.manual_seed(rows * 100 + width);
        var norm = new RmsNorm(width, 1e-6, torch.CPU, type);
        norm.get_parameter("weight")!.copy_(torch.randn([width], generator: generator) * 0.5 + 1);
        var x = (torch.randn([1, rows, width], generator: generator) * 3).to(type);
        return (norm, x);
    }
}
