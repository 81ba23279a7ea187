using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// y = x Wᵀ (+ b) for a handful of rows (decode: one new token per sequence), written with AVX-512 because
/// libtorch's CPU matrix-vector kernel reads the weights at well under the memory bandwidth (BENCHMARKS.md,
/// model-generation): at batch 1 every weight byte is read once per token, so the kernel's only job is to stream W
/// at full speed. Each worker takes a band of W's rows and computes a 4-row × 4-input register tile, so W crosses the
/// memory bus once per call whatever the number of inputs (≤ <see cref="MaxRows"/>). bf16 weights are widened to
/// fp32 one band at a time (a shift: bf16 is fp32's top half), accumulated in fp32 and rounded to nearest-even on the
/// way out, as libtorch's bf16 linear does. Used only without autograd, on CPU, for fp32 and bf16; everything else
/// stays on libtorch.
/// </summary>
public static unsafe class SmallBatchLinear
{
    /// <summary>The most input rows (tokens in the step) the kernel takes; larger products go to libtorch's GEMM.</summary>
    public const int MaxRows = 16;

    private const int Tile = 4;

    /// <summary>
    /// Whether generators use the kernel by default. Off unless the environment sets <c>R1SHARP_SMALL_BATCH_LINEAR=1</c>:
    /// measured on the 2-core machine (BENCHMARKS.md, decode-vs-llamacpp) it streams the weights slower than
    /// libtorch's own kernels (fp32 batch 1: 3.9 against 6.7 tokens/s), so it stays opt-in until it wins.
    /// </summary>
    public static bool Enabled { get; set; } =
        Vector512.IsHardwareAccelerated && Environment.GetEnvironmentVariable("R1SHARP_SMALL_BATCH_LINEAR") == "1";

    [ThreadStatic]
    private static int t_decodingDepth;

    [ThreadStatic]
    private static bool t_useKernel;

    /// <summary>
    /// Marks this thread's forwards as decoding until disposed: only then may <see cref="LinearProjection"/> use the
    /// kernel (when <paramref name="useKernel"/>, default <see cref="Enabled"/>). Generators open it; training forwards
    /// that run without autograd (activation checkpointing's first pass, chunked log-probs) do not, so their
    /// recomputation in backward sees the very same numbers.
    /// </summary>
    public static DecodingScope Decoding(bool? useKernel = null)
    {
        var scope = new DecodingScope(t_useKernel);
        t_decodingDepth++;
        t_useKernel = t_decodingDepth == 1 ? useKernel ?? Enabled : useKernel ?? t_useKernel;
        return scope;
    }

    /// <summary>Whether <see cref="Forward"/> takes this product: CPU, fp32 or bf16 throughout, no autograd, ≤ 16 rows.</summary>
    public static bool Accepts(Tensor input, Tensor weight, Tensor? bias)
    {
        if (torch.is_grad_enabled()) return false;
        if (input.device_type != DeviceType.CPU || weight.device_type != DeviceType.CPU) return false;
        var type = weight.dtype;
        if (type != ScalarType.Float32 && type != ScalarType.BFloat16) return false;
        if (input.dtype != type || (bias is not null && bias.dtype != type)) return false;
        if (weight.dim() != 2 || input.dim() == 0 || !weight.is_contiguous()) return false;
        long inFeatures = weight.shape[1];
        if (input.shape[^1] != inFeatures || inFeatures == 0) return false;
        long rows = input.numel() / inFeatures;
        return rows is >= 1 and <= MaxRows;
    }

    /// <summary>Whether this thread is inside <see cref="Decoding"/> with the kernel on.</summary>
    public static bool IsDecoding => t_decodingDepth > 0 && t_useKernel;

    /// <summary>Ends a <see cref="Decoding"/> region, restoring the enclosing region's choice.</summary>
    public readonly struct DecodingScope(bool previous) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose()
        {
            t_decodingDepth--;
            t_useKernel = previous;
        }
    }

    /// <summary>The product for inputs <see cref="Accepts"/> took; shape [..., out_features], dtype of the weight.</summary>
    public static Tensor Forward(Tensor input, Tensor weight, Tensor? bias)
    {
        if (!Accepts(input, weight, bias)) throw new ArgumentException("SmallBatchLinear does not take this product; check Accepts first.");
        int k = checked((int)weight.shape[1]);
        int n = checked((int)weight.shape[0]);
        int m = checked((int)(input.numel() / k));
        bool bf16 = weight.dtype == ScalarType.BFloat16;
        long[] shape = [.. input.shape[..^1], n];
        using var x = input.contiguous();
        using var b = bias?.contiguous();
        var output = torch.empty(shape, weight.dtype, input.device);
        var job = new Job(NativeTensorData.Pointer(x), NativeTensorData.Pointer(weight),
            b is null ? IntPtr.Zero : NativeTensorData.Pointer(b), NativeTensorData.Pointer(output), m, n, k, bf16);
        job.Run();
        return output;
    }

    /// <summary>One call's pointers and sizes; <see cref="Run"/> splits W's rows into bands for the workers.</summary>
    private readonly struct Job(IntPtr x, IntPtr w, IntPtr bias, IntPtr y, int m, int n, int k, bool bf16)
    {
        public void Run()
        {
            float[] xs = ArrayPool<float>.Shared.Rent(m * k);
            try
            {
                fixed (float* xf = xs)
                {
                    if (bf16) Widen((ushort*)x, xf, m * k);
                    else new ReadOnlySpan<float>((float*)x, m * k).CopyTo(new Span<float>(xf, m * k));
                    var input = (IntPtr)xf;
                    var self = this;
                    int workers = Math.Max(1, torch.get_num_threads());
                    long work = (long)m * n * k;
                    // Small products are not worth a hand-off to the pool; otherwise a few bands per worker even out a
                    // busy core.
                    int bands = work < (1 << 16) ? 1 : Math.Min(workers * 4, (n + Tile - 1) / Tile);
                    int bandRows = ((n + bands - 1) / bands + Tile - 1) / Tile * Tile;
                    bands = (n + bandRows - 1) / bandRows;
                    int outFeatures = n;
                    if (bands == 1) self.Band(input, 0, n);
                    else Parallel.For(0, bands, new ParallelOptions { MaxDegreeOfParallelism = workers },
                        i => self.Band(input, i * bandRows, Math.Min(outFeatures, (i + 1) * bandRows)));
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(xs);
            }
        }

        private void Band(IntPtr input, int first, int end)
        {
            float* xf = (float*)input;
            float[]? widened = bf16 ? ArrayPool<float>.Shared.Rent(Tile * k) : null;
            Span<float> sums = stackalloc float[Tile * Tile];
            try
            {
                fixed (float* buffer = widened)
                {
                    for (int row = first; row < end; row += Tile)
                    {
                        int rows = Math.Min(Tile, end - row);
                        float* w0;
                        if (bf16)
                        {
                            Widen((ushort*)w + (long)row * k, buffer, rows * k);
                            w0 = buffer;
                        }
                        else
                        {
                            w0 = (float*)w + (long)row * k;
                        }
                        for (int col = 0; col < m; col += Tile)
                        {
                            int cols = Math.Min(Tile, m - col);
                            TileDot(xf + (long)col * k, cols, w0, rows, k, sums);
                            for (int r = 0; r < rows; r++)
                            {
                                for (int c = 0; c < cols; c++) Store(col + c, row + r, sums[r * Tile + c]);
                            }
                        }
                    }
                }
            }
            finally
            {
                if (widened is not null) ArrayPool<float>.Shared.Return(widened);
            }
        }

        private void Store(int sample, int feature, float sum)
        {
            if (bf16)
            {
                if (bias != IntPtr.Zero) sum += Narrowing.ToFloat(((ushort*)bias)[feature]);
                ((ushort*)y)[(long)sample * n + feature] = Narrowing.ToBFloat16(sum);
            }
            else
            {
                if (bias != IntPtr.Zero) sum += ((float*)bias)[feature];
                ((float*)y)[(long)sample * n + feature] = sum;
            }
        }
    }

    // Up to 4 weight rows × up to 4 inputs; missing rows/inputs repeat the last one (harmless, their sums are dropped).
    private static void TileDot(float* x, int cols, float* w, int rows, int k, Span<float> sums)
    {
        float* x0 = x, x1 = x + (long)Math.Min(1, cols - 1) * k, x2 = x + (long)Math.Min(2, cols - 1) * k, x3 = x + (long)Math.Min(3, cols - 1) * k;
        float* w0 = w, w1 = w + (long)Math.Min(1, rows - 1) * k, w2 = w + (long)Math.Min(2, rows - 1) * k, w3 = w + (long)Math.Min(3, rows - 1) * k;
        if (cols == 1)
        {
            OneInput(x0, w0, w1, w2, w3, k, sums);
            return;
        }
        var a00 = Vector512<float>.Zero; var a01 = a00; var a02 = a00; var a03 = a00;
        var a10 = a00; var a11 = a00; var a12 = a00; var a13 = a00;
        var a20 = a00; var a21 = a00; var a22 = a00; var a23 = a00;
        var a30 = a00; var a31 = a00; var a32 = a00; var a33 = a00;
        int i = 0;
        for (; i + 16 <= k; i += 16)
        {
            var v0 = Vector512.Load(x0 + i); var v1 = Vector512.Load(x1 + i);
            var v2 = Vector512.Load(x2 + i); var v3 = Vector512.Load(x3 + i);
            var r = Vector512.Load(w0 + i);
            a00 = Vector512.FusedMultiplyAdd(r, v0, a00); a01 = Vector512.FusedMultiplyAdd(r, v1, a01);
            a02 = Vector512.FusedMultiplyAdd(r, v2, a02); a03 = Vector512.FusedMultiplyAdd(r, v3, a03);
            r = Vector512.Load(w1 + i);
            a10 = Vector512.FusedMultiplyAdd(r, v0, a10); a11 = Vector512.FusedMultiplyAdd(r, v1, a11);
            a12 = Vector512.FusedMultiplyAdd(r, v2, a12); a13 = Vector512.FusedMultiplyAdd(r, v3, a13);
            r = Vector512.Load(w2 + i);
            a20 = Vector512.FusedMultiplyAdd(r, v0, a20); a21 = Vector512.FusedMultiplyAdd(r, v1, a21);
            a22 = Vector512.FusedMultiplyAdd(r, v2, a22); a23 = Vector512.FusedMultiplyAdd(r, v3, a23);
            r = Vector512.Load(w3 + i);
            a30 = Vector512.FusedMultiplyAdd(r, v0, a30); a31 = Vector512.FusedMultiplyAdd(r, v1, a31);
            a32 = Vector512.FusedMultiplyAdd(r, v2, a32); a33 = Vector512.FusedMultiplyAdd(r, v3, a33);
        }
        sums[0] = Vector512.Sum(a00); sums[1] = Vector512.Sum(a01); sums[2] = Vector512.Sum(a02); sums[3] = Vector512.Sum(a03);
        sums[4] = Vector512.Sum(a10); sums[5] = Vector512.Sum(a11); sums[6] = Vector512.Sum(a12); sums[7] = Vector512.Sum(a13);
        sums[8] = Vector512.Sum(a20); sums[9] = Vector512.Sum(a21); sums[10] = Vector512.Sum(a22); sums[11] = Vector512.Sum(a23);
        sums[12] = Vector512.Sum(a30); sums[13] = Vector512.Sum(a31); sums[14] = Vector512.Sum(a32); sums[15] = Vector512.Sum(a33);
        float** ws = stackalloc float*[Tile] { w0, w1, w2, w3 };
        float** xs = stackalloc float*[Tile] { x0, x1, x2, x3 };
        for (; i < k; i++)
        {
            for (int r = 0; r < Tile; r++)
            {
                for (int c = 0; c < Tile; c++) sums[r * Tile + c] += ws[r][i] * xs[c][i];
            }
        }
    }

    // One input against four weight rows: four independent accumulators keep the FMA pipes busy while W streams in.
    private static void OneInput(float* x, float* w0, float* w1, float* w2, float* w3, int k, Span<float> sums)
    {
        var a0 = Vector512<float>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
        int i = 0;
        for (; i + 16 <= k; i += 16)
        {
            var v = Vector512.Load(x + i);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Load(w0 + i), v, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Load(w1 + i), v, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Load(w2 + i), v, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Load(w3 + i), v, a3);
        }
        float s0 = Vector512.Sum(a0), s1 = Vector512.Sum(a1), s2 = Vector512.Sum(a2), s3 = Vector512.Sum(a3);
        for (; i < k; i++)
        {
            s0 += w0[i] * x[i]; s1 += w1[i] * x[i]; s2 += w2[i] * x[i]; s3 += w3[i] * x[i];
        }
        sums[0] = s0; sums[Tile] = s1; sums[2 * Tile] = s2; sums[3 * Tile] = s3;
    }

    private static void Widen(ushort* source, float* target, int count)
    {
        int i = 0;
        for (; i + 32 <= count; i += 32)
        {
            var (low, high) = Vector512.Widen(Vector512.Load(source + i));
            Vector512.ShiftLeft(low, 16).AsSingle().Store(target + i);
            Vector512.ShiftLeft(high, 16).AsSingle().Store(target + i + 16);
        }
        for (; i < count; i++) target[i] = Narrowing.ToFloat(source[i]);
    }

    /// <summary>bf16 ↔ fp32 by bit pattern (bf16 is the top 16 bits of an fp32).</summary>
    private static class Narrowing
    {
        public static float ToFloat(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

        // Round to nearest, ties to even; NaN stays a (quiet) NaN.
        public static ushort ToBFloat16(float value)
        {
            if (float.IsNaN(value)) return 0x7FC0;
            uint bits = BitConverter.SingleToUInt32Bits(value);
            bits += 0x7FFFu + ((bits >> 16) & 1u);
            return (ushort)(bits >> 16);
        }
    }
}
