using R1Sharp.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.DataParallel;

/// <summary>
/// Sums the gradients of the trainable parameters over the ranks, as one flat buffer (one collective per step, not
/// one per tensor). Each rank's loss is already normalised by the global batch's counts, so the sum is the gradient of
/// the single-process loss on the global batch. With LoRA only the adapters are trainable, so only they travel.
/// A parameter without a gradient (a rank with no rows this step) contributes zeros.
/// </summary>
public static class GradientSync
{
    /// <summary>All-reduces (sums) the gradients of <paramref name="parameters"/> in place; nothing to do on one rank.</summary>
    public static void AllReduce(ICollectiveBackend ranks, IReadOnlyList<TorchSharp.Modules.Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        ArgumentNullException.ThrowIfNull(parameters);
        if (ranks.Size == 1 || parameters.Count == 0) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var p in parameters)
            if (p.grad is null) p.grad = zeros_like(p).DetachFromDisposeScope();
        var flat = cat(parameters.Select(p => p.grad!.flatten()).ToList());
        ranks.AllReduceSum(flat);
        long offset = 0;
        foreach (var p in parameters)
        {
            var grad = p.grad!;
            grad.copy_(flat.narrow(0, offset, grad.numel()).view_as(grad));
            offset += grad.numel();
        }
    }
}
