using R1Sharp.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.DataParallel;

/// <summary>
/// Sums the gradients of the trainable parameters over the ranks. Each rank's loss is already normalised by the global
/// batch's counts, so the sum is the gradient of the single-process loss on the global batch. With LoRA only the
/// adapters are trainable, so only they travel. A parameter without a gradient (a rank with no rows this step)
/// contributes zeros.
/// </summary>
/// <remarks>
/// A large gradient is reduced in its own memory, one collective each; the small ones (norms, biases, adapters) travel
/// together in one flat buffer, so that a model's hundreds of small tensors cost one collective, not hundreds. Copying
/// every gradient into one buffer and back, as a single collective would need, costs two passes over all of them: for
/// the data-parallel bench's 78 MB gradient the whole all-reduce took 35–55 ms a step with it and 21–31 ms without
/// (two ranks of one thread; 0.23 s of copying alone where fresh memory pages are not kept, docs/distributed.md).
/// </remarks>
public static class GradientSync
{
    // Gradients with at least this many elements are reduced in place, one collective each.
    internal const long InPlaceElements = 1 << 16;

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
        var small = new List<Tensor>();
        foreach (var p in parameters)
        {
            if (p.grad!.numel() >= InPlaceElements) ranks.AllReduceSum(p.grad);
            else small.Add(p.grad);
        }
        if (small.Count == 0) return;
        var flat = cat(small.Select(g => g.flatten()).ToList());
        ranks.AllReduceSum(flat);
        long offset = 0;
        foreach (var grad in small)
        {
            grad.copy_(flat.narrow(0, offset, grad.numel()).view_as(grad));
            offset += grad.numel();
        }
    }
}
