using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace R1Sharp.Models;

/// <summary>
/// The autograd function behind <see cref="SegmentAttention"/>: inputs queries, keys, values (contiguous float32) and
/// the <see cref="PackedSegments"/>; output the attended queries. The forward keeps each query's log-sum-exp, so the
/// backward recomputes the probabilities instead of storing them (as flash attention does).
/// </summary>
internal sealed unsafe class SegmentAttentionFunction : SingleTensorFunction<SegmentAttentionFunction>
{
    /// <inheritdoc />
    public override string Name => nameof(SegmentAttentionFunction);

    /// <inheritdoc />
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (q, k, v, segments) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (PackedSegments)vars[3]);
        var (output, lse) = Attend(q, k, v, segments, Helpers(segments, (int)q.shape[0] * (int)k.shape[1]));
        ctx.save_for_backward([q, k, v, output.detach(), lse]);
        ctx.save_data("segments", segments);
        return output;
    }

    /// <inheritdoc />
    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var saved = ctx.get_saved_variables();
        var (q, k, v, o, lse) = (saved[0], saved[1], saved[2], saved[3], saved[4]);
        var segments = (PackedSegments)ctx.get_data("segments");
        using var scope = NewDisposeScope();
        var dO = grad_output.to(ScalarType.Float32).contiguous();
        var dQ = torch.zeros_like(q);
        var dK = torch.zeros_like(k);
        var dV = torch.zeros_like(v);
        var job = SegmentAttentionJob.Backward(segments, (int)q.shape[1], (int)k.shape[1], (int)q.shape[3],
            Data(q), Data(k), Data(v), Data(o), Data(lse), Data(dO), Data(dQ), Data(dK), Data(dV));
        SmallBatchWorkers.Run(job, Helpers(segments, job.Chunks));
        return [dQ.MoveToOuterDisposeScope(), dK.MoveToOuterDisposeScope(), dV.MoveToOuterDisposeScope(), null!];
    }

    /// <summary>
    /// The forward's outputs [B, heads, T, D] and log-sum-exps [B, heads, T] of contiguous float32 inputs, computed on this
    /// thread and <paramref name="helpers"/> others.
    /// </summary>
    internal static (Tensor Output, Tensor LogSumExp) Attend(Tensor q, Tensor k, Tensor v, PackedSegments segments, int helpers)
    {
        var output = torch.empty_like(q);
        var lse = torch.empty([q.shape[0], q.shape[1], q.shape[2]], ScalarType.Float32);
        SmallBatchWorkers.Run(SegmentAttentionJob.Forward(segments, (int)q.shape[1], (int)k.shape[1], (int)q.shape[3],
            Data(q), Data(k), Data(v), Data(output), Data(lse)), helpers);
        return (output, lse);
    }

    private static float* Data(Tensor tensor) => (float*)NativeTensorData.Pointer(tensor);

    // Torch's thread count: more than one, and work worth waking them for, puts SmallBatchWorkers' helpers on the chunks.
    private static int Helpers(PackedSegments segments, int chunks) =>
        segments.AttendedPairs < 4096 ? 0 : Math.Min(Math.Max(1, torch.get_num_threads()), chunks) - 1;
}
