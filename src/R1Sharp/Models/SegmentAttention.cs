using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// Attention of packed rows computed only where the block-diagonal causal mask allows (issue 18). Packed pre-training
/// and SFT rows hold several samples; the dense masked kernel scores every query against every key of the row and
/// throws most of it away (r1 zero's 192-position rows hold samples of 10–100 tokens: about a tenth of the scores are
/// kept), and in bf16 mixed precision that float32 attention was a third of a step. Here each query attends over the
/// keys of its own run, in float32 (inputs in bf16 are widened, the output rounded back, as the dense path does), with
/// a backward of its own (<see cref="SegmentAttentionFunction"/>), on the CPU only. Four queries at a time
/// (<see cref="SegmentAttentionTileKernel"/>), it also beats libtorch's causal flash attention where a row is one run:
/// forward and backward of the ~20M model's [4, 8, 256, 64] on one thread took 11.3 ms against 22 ms (1.3–3.4x at the
/// other shapes measured, forward alone 1.0–2.4x), so causal CPU forwards without a KV cache come here too, padded or
/// not (<see cref="CausalLanguageModel.UseSegmentAttention"/>). Off where the environment sets
/// <c>R1SHARP_SEGMENT_ATTENTION=0</c> or the CPU lacks AVX-512 (the kernel's vectors would be emulated).
/// </summary>
internal static class SegmentAttention
{
    /// <summary>Whether packed forwards and causal forwards without a KV cache use the kernel unless told otherwise.</summary>
    public static bool EnabledByDefault { get; } =
        System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated && Environment.GetEnvironmentVariable("R1SHARP_SEGMENT_ATTENTION") != "0";

    /// <summary>
    /// Queries [B, heads, T, D], keys and values [B, kvHeads, T, D] → outputs [B, heads, T, D] in the queries' dtype; query
    /// head h uses key/value head h / (heads / kvHeads). Differentiable in all three inputs.
    /// </summary>
    public static Tensor Forward(Tensor queries, Tensor keys, Tensor values, PackedSegments segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (queries.dim() != 4 || keys.dim() != 4 || values.dim() != 4 || queries.shape[0] != segments.Rows || queries.shape[2] != segments.Length
            || !keys.shape.SequenceEqual(values.shape) || keys.shape[0] != queries.shape[0] || keys.shape[2] != queries.shape[2]
            || keys.shape[3] != queries.shape[3] || queries.shape[1] % keys.shape[1] != 0)
            throw new ArgumentException($"segment attention takes queries [B, heads, T, D] and keys/values [B, kvHeads, T, D] of {segments.Rows} rows of {segments.Length}; got {Shape(queries)}, {Shape(keys)}, {Shape(values)}");
        if (queries.device.type != DeviceType.CPU) throw new ArgumentException("segment attention runs on the CPU only", nameof(queries));
        using var scope = NewDisposeScope();
        var dtype = queries.dtype;
        var output = SegmentAttentionFunction.apply(Float32(queries), Float32(keys), Float32(values), segments);
        return (dtype == ScalarType.Float32 ? output : output.to(dtype)).MoveToOuterDisposeScope();
    }

    private static Tensor Float32(Tensor tensor) => tensor.to(ScalarType.Float32).contiguous();

    private static string Shape(Tensor tensor) => $"[{string.Join(", ", tensor.shape)}]";
}
