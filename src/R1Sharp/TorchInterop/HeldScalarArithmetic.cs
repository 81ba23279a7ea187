using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.TorchInterop;

/// <summary>
/// Tensor arithmetic with numbers and additions of tensors, written so that nothing TorchSharp hands to libtorch can
/// be finalised during the native call (see <see cref="HeldScalars"/> for why the operators cannot be used).
/// </summary>
/// <remarks>
/// Each method holds its scalar in a <c>using</c> local until the call returns and keeps its tensor operands
/// reachable to the end (<see cref="GC.KeepAlive"/>), so a temporary such as <c>a.matmul(b).Times(0.5)</c> is safe
/// even outside a dispose scope.
/// </remarks>
public static class HeldScalarArithmetic
{
    /// <summary><paramref name="tensor"/> + <paramref name="other"/> (the operator's hidden alpha of 1 held).</summary>
    public static Tensor Plus(this Tensor tensor, Tensor other)
    {
        var result = tensor.add(other, HeldScalars.One);
        GC.KeepAlive(tensor);
        GC.KeepAlive(other);
        return result;
    }

    /// <summary><paramref name="tensor"/> + <paramref name="value"/>, element-wise.</summary>
    public static Tensor Plus(this Tensor tensor, double value) => With(tensor, value.ToScalar(), static (t, s) => t.add(s, HeldScalars.One));

    /// <summary><paramref name="tensor"/> + <paramref name="value"/>, element-wise, with an integer scalar (an integer tensor stays integer).</summary>
    public static Tensor Plus(this Tensor tensor, long value) => With(tensor, value.ToScalar(), static (t, s) => t.add(s, HeldScalars.One));

    /// <summary><paramref name="tensor"/> − <paramref name="value"/>, element-wise.</summary>
    public static Tensor Minus(this Tensor tensor, double value) => tensor.Plus(-value);

    /// <summary><paramref name="tensor"/> − <paramref name="value"/>, element-wise, with an integer scalar.</summary>
    public static Tensor Minus(this Tensor tensor, long value) => tensor.Plus(-value);

    /// <summary><paramref name="tensor"/> · <paramref name="value"/>, element-wise.</summary>
    public static Tensor Times(this Tensor tensor, double value) => With(tensor, value.ToScalar(), static (t, s) => t.mul(s));

    /// <summary><paramref name="tensor"/> · <paramref name="value"/>, element-wise, with an integer scalar.</summary>
    public static Tensor Times(this Tensor tensor, long value) => With(tensor, value.ToScalar(), static (t, s) => t.mul(s));

    /// <summary><paramref name="tensor"/> / <paramref name="value"/>, element-wise.</summary>
    public static Tensor DividedBy(this Tensor tensor, double value) => With(tensor, value.ToScalar(), static (t, s) => t.div(s));

    /// <summary>Element-wise <paramref name="tensor"/> &gt; <paramref name="value"/> (a bool tensor).</summary>
    public static Tensor GreaterThan(this Tensor tensor, double value) => With(tensor, value.ToScalar(), static (t, s) => t.gt(s));

    /// <summary>Element-wise <paramref name="tensor"/> &lt; <paramref name="value"/> (a bool tensor).</summary>
    public static Tensor LessThan(this Tensor tensor, double value) => With(tensor, value.ToScalar(), static (t, s) => t.lt(s));

    /// <summary>Element-wise max(<paramref name="tensor"/>, <paramref name="min"/>).</summary>
    public static Tensor ClampBelow(this Tensor tensor, double min) => With(tensor, min.ToScalar(), static (t, s) => t.clamp_min(s));

    /// <summary>Element-wise min(<paramref name="tensor"/>, <paramref name="max"/>).</summary>
    public static Tensor ClampAbove(this Tensor tensor, double max) => With(tensor, max.ToScalar(), static (t, s) => t.clamp_max(s));

    /// <summary>Element-wise clamp to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Tensor ClampTo(this Tensor tensor, double min, double max)
    {
        using var low = min.ToScalar();
        using var high = max.ToScalar();
        var result = tensor.clamp(low, high);
        GC.KeepAlive(tensor);
        return result;
    }

    /// <summary>In place: <paramref name="tensor"/> += <paramref name="other"/>; returns <paramref name="tensor"/>.</summary>
    public static Tensor PlusInPlace(this Tensor tensor, Tensor other)
    {
        tensor.add_(other, HeldScalars.One);
        GC.KeepAlive(other);
        return tensor;
    }

    /// <summary>In place: <paramref name="tensor"/> += <paramref name="alpha"/> · <paramref name="other"/>.</summary>
    public static Tensor PlusScaledInPlace(this Tensor tensor, Tensor other, double alpha)
    {
        using var scalar = alpha.ToScalar();
        tensor.add_(other, scalar);
        GC.KeepAlive(other);
        return tensor;
    }

    /// <summary>The integers [<paramref name="start"/>, <paramref name="stop"/>) as int64 on <paramref name="device"/>.</summary>
    public static Tensor Range(long start, long stop, Device? device = null)
    {
        using var first = start.ToScalar();
        using var end = stop.ToScalar();
        return torch.arange(first, end, HeldScalars.One, ScalarType.Int64, device);
    }

    // Applies a one-scalar operation, disposing the scalar only after the call returns and keeping the tensor alive
    // to the end. The operations are static lambdas: no allocation per call.
    private static Tensor With(Tensor tensor, Scalar scalar, Func<Tensor, Scalar, Tensor> operation)
    {
        using (scalar)
        {
            var result = operation(tensor, scalar);
            GC.KeepAlive(tensor);
            return result;
        }
    }
}
