using System.Buffers;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// y = x Wᵀ (+ b) for a handful of rows (decode: one new token per sequence), written with AVX-512 because
/// libtorch's CPU kernels are slow at these shapes (BENCHMARKS.md, linear-kernel and decode-vs-llamacpp): its bf16
/// matrix-vector product streams W well under the memory bandwidth, and its fp32 GEMM at 2–16 rows runs well under
/// the FMA units' rate. At batch 1 every weight byte is read once per token, so the kernel's job is to stream W at full
/// speed; at 16 rows, to feed each loaded weight vector to several FMAs. The calling thread and <c>torch.get_num_threads() - 1</c> long-lived helpers
/// (<see cref="SmallBatchWorkers"/>) claim chunks of W's rows; each computes 4-row × 4-input register tiles
/// (<see cref="SmallBatchTiles"/>), so W crosses the memory bus once per call whatever the number of inputs
/// (≤ <see cref="MaxRows"/>); with one input, row after row front to back, one sequential stream per chunk. Several
/// weights that share an input (q, k and v; gate and up) go through one call (<see cref="Products"/>). bf16 weights are widened in registers, accumulated in fp32 and rounded to nearest-even
/// on the way out, as libtorch's bf16 linear does. Used only without autograd, on CPU, for fp32 and bf16, and by
/// default only in the cases where it measured faster (<see cref="PrefersKernel"/>); everything else stays on libtorch.
/// </summary>
public static unsafe class SmallBatchLinear
{
    /// <summary>The most input rows (tokens in the step) the kernel takes; larger products go to libtorch's GEMM.</summary>
    public const int MaxRows = 16;

    /// <summary>
    /// Which products generators give the kernel: <see cref="SmallBatchLinearMode.Measured"/> unless the environment
    /// sets <c>R1SHARP_SMALL_BATCH_LINEAR=1</c> (<see cref="SmallBatchLinearMode.Always"/>) or <c>=0</c>
    /// (<see cref="SmallBatchLinearMode.Off"/>); always Off without AVX-512.
    /// </summary>
    public static SmallBatchLinearMode Mode { get; set; } = !Vector512.IsHardwareAccelerated ? SmallBatchLinearMode.Off
        : Environment.GetEnvironmentVariable("R1SHARP_SMALL_BATCH_LINEAR") switch
        {
            "1" => SmallBatchLinearMode.Always,
            "0" => SmallBatchLinearMode.Off,
            _ => SmallBatchLinearMode.Measured,
        };

    /// <summary>
    /// Whether the kernel beats libtorch for this weight dtype and number of input rows: fp32 at 1 to 16 rows, bf16 at
    /// 1 to 4. Measured alone on 2 threads with <see cref="NativeRuntimeTuning"/> on (BENCHMARKS.md, decode-vs-llamacpp,
    /// 2026-12-04 00:00 UTC, a 2-core AMD EPYC with AVX-512 and AVX512_BF16; a run at 22:51 agreed): fp32 decode ran at
    /// 19.0 tokens/s with the kernel against 9.2 on libtorch at batch 1 and 115.9 against 54.5 at batch 16; bf16 at 33.9
    /// against 16.1 at batch 1, while at batch 16 libtorch's bf16 GEMM, which uses the CPU's bf16 units, won (172.1
    /// against 133.4).
    /// History: on the earlier Intel machine, before libgomp's idle workers were told to wait passively (they spun on
    /// the core the kernel's helper thread needs), libtorch had won fp32 at both sizes.
    /// </summary>
    public static bool PrefersKernel(ScalarType dtype, long rows) => dtype switch
    {
        ScalarType.Float32 => rows is >= 1 and <= MaxRows,
        ScalarType.BFloat16 => rows is >= 1 and <= 4,
        _ => false,
    };

    /// <summary>
    /// The fewest weight elements (64 Ki) for which the measured mode uses the kernel. The cut-offs of
    /// <see cref="PrefersKernel"/> were measured on Qwen2.5-0.5B's projections (the smallest, k_proj, has 114,688
    /// elements); the built-in models of <c>r1 zero</c> and <c>r1 pipeline</c> (hidden 128 or less, at most 49,152
    /// elements per weight) were not measured, and on libtorch their published runs stay reproducible bit for bit.
    /// </summary>
    public const long MinMeasuredWeightElements = 1L << 16;

    [ThreadStatic]
    private static int t_decodingDepth;

    [ThreadStatic]
    private static SmallBatchLinearMode t_mode;

    /// <summary>
    /// Marks this thread's forwards as decoding until disposed: only then may <see cref="LinearProjection"/> use the
    /// kernel, for the products <paramref name="mode"/> (default <see cref="Mode"/>) gives it. Generators open it;
    /// training forwards that run without autograd (activation checkpointing's first pass, chunked log-probs) do not,
    /// so their recomputation in backward sees the very same numbers.
    /// </summary>
    public static DecodingScope Decoding(SmallBatchLinearMode? mode = null)
    {
        var scope = new DecodingScope(t_mode);
        t_decodingDepth++;
        t_mode = t_decodingDepth == 1 ? mode ?? Mode : mode ?? t_mode;
        return scope;
    }

    /// <summary>Whether this thread is decoding and the kernel should take this product (mode, dtype, rows, <see cref="Accepts"/>).</summary>
    public static bool Takes(Tensor input, Tensor weight, Tensor? bias)
    {
        if (t_decodingDepth == 0 || t_mode == SmallBatchLinearMode.Off || !Accepts(input, weight, bias)) return false;
        return t_mode == SmallBatchLinearMode.Always
            || (weight.numel() >= MinMeasuredWeightElements && PrefersKernel(weight.dtype, input.numel() / weight.shape[1]));
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

    /// <summary>Ends a <see cref="Decoding"/> region, restoring the enclosing region's choice.</summary>
    public readonly struct DecodingScope(SmallBatchLinearMode previous) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose()
        {
            t_decodingDepth--;
            t_mode = previous;
        }
    }

    /// <summary>The product for inputs <see cref="Accepts"/> took; shape [..., out_features], dtype of the weight.</summary>
    public static Tensor Forward(Tensor input, Tensor weight, Tensor? bias)
    {
        if (!Accepts(input, weight, bias)) throw new ArgumentException("SmallBatchLinear does not take this product; check Accepts first.");
        return Product(input, weight, bias);
    }

    /// <summary><see cref="Forward"/> for a product <see cref="Takes"/> has just checked.</summary>
    internal static Tensor Product(Tensor input, Tensor weight, Tensor? bias) => Products(input, [weight], [bias])[0];

    /// <summary>
    /// The products of one input with several weights of the same dtype and input width (a fused projection: q, k and
    /// v, or gate and up), in one pass of the helpers: one wake-up and one tail instead of one per weight. Each output
    /// is [..., out_features of its weight]. For inputs <see cref="Takes"/> accepted with each weight.
    /// </summary>
    internal static Tensor[] Products(Tensor input, ReadOnlySpan<Tensor> weights, ReadOnlySpan<Tensor?> biases)
    {
        var first = weights[0];
        int k = checked((int)first.shape[1]);
        int m = checked((int)(input.numel() / k));
        var dtype = first.dtype;
        bool bf16 = dtype == ScalarType.BFloat16;
        long[] leading = input.shape[..^1];
        // Decode inputs and biases are contiguous already; contiguous() would still make a new handle per call.
        using var copiedInput = input.is_contiguous() ? null : input.contiguous();
        var x = copiedInput ?? input;
        var outputs = new Tensor[weights.Length];
        var segments = new SmallBatchLinearSegment[weights.Length];
        var copiedBiases = new Tensor?[weights.Length];
        long totalRows = 0;
        try
        {
            for (int i = 0; i < weights.Length; i++)
            {
                var weight = weights[i];
                int n = checked((int)weight.shape[0]);
                var bias = biases[i];
                copiedBiases[i] = bias is null || bias.is_contiguous() ? null : bias.contiguous();
                var b = copiedBiases[i] ?? bias;
                outputs[i] = torch.empty([.. leading, n], dtype, input.device);
                segments[i] = new SmallBatchLinearSegment((byte*)NativeTensorData.Pointer(weight), b is null ? null : (byte*)NativeTensorData.Pointer(b),
                    (byte*)NativeTensorData.Pointer(outputs[i]), n);
                totalRows += n;
            }
            byte* xData = (byte*)NativeTensorData.Pointer(x);
            float[]? widened = bf16 ? ArrayPool<float>.Shared.Rent(m * k) : null;
            try
            {
                fixed (float* xWidened = widened)
                {
                    if (bf16) Widen((ushort*)xData, xWidened, m * k);
                    int threads = Math.Max(1, torch.get_num_threads());
                    // A few chunks per thread even out a busy core; at most 256 rows (a chunk is claimed with one atomic add).
                    int chunkRows = (int)Math.Clamp((totalRows / (threads * 8) + 3) / 4 * 4, 16, 256);
                    var job = new SmallBatchLinearJob(bf16 ? xWidened : (float*)xData, segments, m, k, bf16, chunkRows);
                    // Small products are not worth waking a helper.
                    int helpers = m * totalRows * k < (1 << 16) ? 0 : Math.Min(threads, job.Chunks) - 1;
                    SmallBatchWorkers.Run(job, helpers);
                }
            }
            finally
            {
                if (widened is not null) ArrayPool<float>.Shared.Return(widened);
            }
        }
        finally
        {
            foreach (var copied in copiedBiases) copied?.Dispose();
        }
        return outputs;
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
        for (; i < count; i++) target[i] = BFloat16Bits.ToFloat(source[i]);
    }
}
