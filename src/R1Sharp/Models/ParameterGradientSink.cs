using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// Lets the two autograd functions that produce a [vocabulary, hidden] weight gradient (<see cref="ChunkedLogProbFunction"/>
/// for the output head, <see cref="TokenEmbeddingFunction"/> for the input embedding) add it straight into the
/// parameter's <c>.grad</c> instead of returning a new matrix for autograd to add there.
/// </summary>
/// <remarks>
/// Why: returned, each of those gradients is a fresh [V, H] block (with Qwen's 152k vocabulary 78 MB at hidden 128, 545 MB
/// at 896), and with tied weights autograd sums the two into a third before adding that to <c>.grad</c>. glibc gives a
/// thread-pool thread every block that large as a new mapping, so each micro-batch's backward paid the kernel to zero
/// three of them (<see cref="LogitScratch"/> explains the same cost for logits): a fixed cost per rank and micro-batch,
/// which data-parallel ranks cannot share. Measured in <c>data-parallel</c> (docs/distributed.md).
/// The sink is only open on the thread that runs <c>loss.backward()</c> into the parameters' <c>.grad</c>
/// (<see cref="Training.Optimization.WorkerGradients.IntoParameters"/>): a worker that differentiates with
/// <c>autograd.grad</c> leaves <c>.grad</c> alone, and gets its gradients returned except into the sums it keeps between
/// steps (<see cref="EnterKept"/>, the same additions into a zeroed sum of its own). It takes only a float32,
/// contiguous <c>.grad</c> that already exists (from an earlier step: zeroed, not freed, by the optimizer); otherwise
/// the functions return their gradient as before. Into a zeroed <c>.grad</c> the sums are autograd's to the bit (each
/// token's rows are summed before they are added, as autograd sums the returned matrix before adding it), so a step's
/// gradients do not depend on whether <c>.grad</c> existed before it (a resumed run's first step). Into a <c>.grad</c>
/// that already holds an earlier micro-batch's part, each chunk's and token's part is added to it in turn rather than
/// to each other first: the same additions in another order.
/// </remarks>
internal static class ParameterGradientSink
{
    [ThreadStatic]
    private static int t_depth;

    // A buffered worker's own [V, H] sums on this thread, by the address of the weight they belong to.
    [ThreadStatic]
    private static Dictionary<IntPtr, KeptGradient>? t_kept;

    [ThreadStatic]
    private static long t_hits;

    /// <summary>Whether backward on this thread writes the parameters' <c>.grad</c>.</summary>
    public static bool Open => t_depth > 0;

    /// <summary>How many gradients this thread has added through the sink (for tests).</summary>
    internal static long Hits => t_hits;

    /// <summary>Opens the sink on this thread until the scope is disposed (scopes nest).</summary>
    public static Scope Enter()
    {
        t_depth++;
        return default;
    }

    /// <summary>
    /// The <c>.grad</c> of <paramref name="weight"/> to add into, or null where the gradient must be returned: the sink is
    /// closed on this thread, or the weight or its <c>.grad</c> is not a contiguous float32 tensor of the weight's shape.
    /// The caller disposes the returned handle (the gradient itself stays with the parameter).
    /// </summary>
    public static Tensor? Target(Tensor weight)
    {
        if (weight.dtype != ScalarType.Float32) return null;
        if (t_kept is { } kept && kept.TryGetValue(NativeTensorData.Pointer(weight), out var own) && own.Sum.shape.SequenceEqual(weight.shape))
        {
            t_hits++;
            own.Written = true;
            return own.Sum.view(own.Sum.shape);
        }
        if (!Open) return null;
        var grad = weight.grad;
        if (grad is null) return null;
        if (grad.dtype == ScalarType.Float32 && grad.is_contiguous() && grad.shape.SequenceEqual(weight.shape))
        {
            t_hits++;
            return grad;
        }
        grad.Dispose();
        return null;
    }

    /// <summary>
    /// Sends the [V, H] gradients of the weights in <paramref name="kept"/> (keyed by their data's address) into the
    /// given float32 sums on this thread until disposed, for a worker that differentiates with <c>autograd.grad</c>
    /// (<see cref="Training.Optimization.WorkerGradients"/>): the functions add into the sum and return nothing for that
    /// weight, as they do into <c>.grad</c>. Not nested.
    /// </summary>
    public static KeptScope EnterKept(Dictionary<IntPtr, KeptGradient> kept)
    {
        t_kept = kept;
        return default;
    }

    /// <summary>A weight's sum kept by a buffered worker, and whether the backward has added to it.</summary>
    internal sealed class KeptGradient(Tensor sum)
    {
        /// <summary>The float32 sum, of the weight's shape.</summary>
        public Tensor Sum { get; } = sum;

        /// <summary>Set when a function added into <see cref="Sum"/>.</summary>
        public bool Written { get; set; }
    }

    /// <summary>Ends <see cref="EnterKept"/> when disposed.</summary>
    public readonly struct KeptScope : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => t_kept = null;
    }

    /// <summary>Closes the sink when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => t_depth--;
    }
}
