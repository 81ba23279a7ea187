using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// <see cref="RmsNorm"/> for the few rows of a decode step in one pass over raw memory, instead of its six libtorch
/// calls (widen, square, mean, add, rsqrt, two products), whose fixed cost per call outweighs the arithmetic on a
/// 1 × hidden input. The same rounding as the module: the fp32 normed row is rounded to the dtype, then multiplied by
/// the weight and rounded again; the mean of squares sums in another order than libtorch's (equal to float tolerance).
/// </summary>
internal static unsafe class RmsNormRows
{
    /// <summary>
    /// input [..., width] (contiguous, fp32 or bf16, the weight's dtype, CPU, no autograd; the caller checks) → the normed
    /// rows in a new tensor of the same shape.
    /// </summary>
    public static Tensor Forward(Tensor input, Tensor weight, double eps)
    {
        int width = checked((int)weight.shape[0]);
        long rows = input.numel() / width;
        bool bf16 = input.dtype == ScalarType.BFloat16;
        var output = empty(input.shape, input.dtype, input.device);
        byte* x = (byte*)NativeTensorData.Pointer(input), w = (byte*)NativeTensorData.Pointer(weight), y = (byte*)NativeTensorData.Pointer(output);
        long rowBytes = (long)width * (bf16 ? 2 : 4);
        for (long r = 0; r < rows; r++)
        {
            if (bf16) Row<Bf16Row>(x + r * rowBytes, w, y + r * rowBytes, width, eps, true);
            else Row<Fp32Row>(x + r * rowBytes, w, y + r * rowBytes, width, eps, false);
        }
        return output;
    }

    private static void Row<T>(byte* x, byte* w, byte* y, int width, double eps, bool bf16)
        where T : struct, IWeightRow
    {
        var squares = Vector512<float>.Zero;
        int i = 0;
        for (; i + 16 <= width; i += 16)
        {
            var v = T.Load(x, i);
            squares = Vector512.FusedMultiplyAdd(v, v, squares);
        }
        float sum = Vector512.Sum(squares);
        for (; i < width; i++) sum += T.At(x, i) * T.At(x, i);
        float inverse = 1f / MathF.Sqrt(sum / width + (float)eps);
        for (i = 0; i < width; i++)
        {
            float normed = T.At(x, i) * inverse;
            if (bf16)
            {
                float rounded = BFloat16Bits.ToFloat(BFloat16Bits.FromFloat(normed));
                ((ushort*)y)[i] = BFloat16Bits.FromFloat(T.At(w, i) * rounded);
            }
            else ((float*)y)[i] = T.At(w, i) * normed;
        }
    }
}
