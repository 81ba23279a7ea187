using R1Sharp.TorchInterop;
using static TorchSharp.torch;

namespace R1Sharp.Tests.TorchInterop;

/// <summary>The held-scalar arithmetic gives what the operators it replaces gave, dtype included.</summary>
public sealed class HeldScalarArithmeticTests
{
    [Fact]
    public void ArithmeticWithNumbersMatchesTheArithmetic()
    {
        using var x = tensor(new[] { 1.5f, -2.0f, 4.0f });
        Assert.Equal([2.0f, -1.5f, 4.5f], x.Plus(0.5).data<float>().ToArray());
        Assert.Equal([0.5f, -3.0f, 3.0f], x.Minus(1.0).data<float>().ToArray());
        Assert.Equal([3.0f, -4.0f, 8.0f], x.Times(2.0).data<float>().ToArray());
        Assert.Equal([0.75f, -1.0f, 2.0f], x.DividedBy(2.0).data<float>().ToArray());
        Assert.Equal([1.5f, -1.0f, 1.5f], x.ClampTo(-1, 1.5).data<float>().ToArray());
        Assert.Equal([1.5f, 0.0f, 4.0f], x.ClampBelow(0).data<float>().ToArray());
        Assert.Equal([1.5f, -2.0f, 2.0f], x.ClampAbove(2).data<float>().ToArray());
        Assert.Equal([true, false, true], x.GreaterThan(1.0).data<bool>().ToArray());
        Assert.Equal([false, true, false], x.LessThan(1.0).data<bool>().ToArray());
        Assert.Equal(ScalarType.Float32, x.Times(2.0).dtype);
    }

    [Fact]
    public void IntegerScalarsKeepIntegerTensorsIntegral()
    {
        using var counts = tensor(new long[] { 1, 2, 3 });
        var shifted = counts.Minus(1L);
        Assert.Equal(ScalarType.Int64, shifted.dtype);
        Assert.Equal([0L, 1L, 2L], shifted.data<long>().ToArray());
        Assert.Equal([3L, 6L, 9L], counts.Times(3L).data<long>().ToArray());
    }

    [Fact]
    public void TensorAdditionsAddOnce()
    {
        using var a = tensor(new[] { 1.0f, 2.0f });
        using var b = tensor(new[] { 10.0f, 20.0f });
        Assert.Equal([11.0f, 22.0f], a.Plus(b).data<float>().ToArray());
        using var c = a.clone();
        c.PlusInPlace(b);
        Assert.Equal([11.0f, 22.0f], c.data<float>().ToArray());
        c.PlusScaledInPlace(b, -0.5);
        Assert.Equal([6.0f, 12.0f], c.data<float>().ToArray());
    }

    [Fact]
    public void RangeIsHalfOpenAndInt64()
    {
        var range = HeldScalarArithmetic.Range(3, 7);
        Assert.Equal(ScalarType.Int64, range.dtype);
        Assert.Equal([3L, 4L, 5L, 6L], range.data<long>().ToArray());
    }
}
