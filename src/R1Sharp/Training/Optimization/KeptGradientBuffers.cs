using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Training.Optimization;

/// <summary>
/// The large float32 gradient sums (a Qwen-vocabulary model's [vocabulary, hidden] head and embedding) that a buffered
/// micro-batch worker keeps from one step to the next, one per parameter and worker, freed with the parameter.
/// </summary>
/// <remarks>
/// Why: a block larger than one of glibc's 64 MiB heaps fits no thread's arena, so glibc maps it afresh and unmaps it on
/// free, whatever the tunables; returned by <c>autograd.grad</c>, each such gradient cost the kernel a zeroing of every
/// page, several times per micro-batch (docs/ARCHITECTURE.md, "Native memory and threads"). The worker's backward adds
/// into the kept sum instead (<see cref="Models.ParameterGradientSink.EnterKept"/>). The price: the sum stays allocated
/// between steps, as the first worker's <c>.grad</c> does.
/// </remarks>
internal static class KeptGradientBuffers
{
    /// <summary>The size from which a parameter's sum is kept: a glibc heap's.</summary>
    public const long DefaultMinimumBytes = 64L << 20;

    private static readonly ConditionalWeakTable<Parameter, ConcurrentDictionary<int, Tensor>> Kept = new();

    /// <summary>Whether <paramref name="parameter"/>'s sum is kept: float32, contiguous, at least <paramref name="minimumBytes"/>.</summary>
    public static bool Keeps(Parameter parameter, long minimumBytes) =>
        parameter.dtype == ScalarType.Float32 && parameter.is_contiguous() && parameter.numel() * sizeof(float) >= minimumBytes;

    /// <summary>Worker <paramref name="worker"/>'s sum for <paramref name="parameter"/>, zeroed.</summary>
    public static Tensor Zeroed(Parameter parameter, int worker)
    {
        var byWorker = Kept.GetValue(parameter, _ => new ConcurrentDictionary<int, Tensor>());
        var sum = byWorker.GetOrAdd(worker, _ => zeros(parameter.shape, ScalarType.Float32, parameter.device).DetachFromDisposeScope());
        using var noGrad = no_grad();
        sum.zero_();
        return sum;
    }
}
