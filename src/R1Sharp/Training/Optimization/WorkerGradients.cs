using R1Sharp.TorchInterop;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Training.Optimization;

/// <summary>
/// Where one worker of <see cref="ConcurrentMicroBatches"/> sends its micro-batches' gradients. The first worker's go
/// straight into the parameters' <c>.grad</c>, as a sequential loop's would. Every other worker's are summed, in its
/// micro-batches' order, into buffers of its own through <c>autograd.grad</c>, which leaves <c>.grad</c> untouched.
/// <see cref="ConcurrentMicroBatches"/> then adds them in worker order. Every addition thus has a fixed place in a
/// fixed order, whichever thread finishes first.
/// </summary>
public sealed class WorkerGradients : IDisposable
{
    private readonly IReadOnlyList<Parameter>? _parameters;
    private Tensor?[]? _sums;

    // Frozen parameters (requires_grad false) get no gradient from backward either, and autograd.grad refuses them.
    private WorkerGradients(IReadOnlyList<Parameter>? parameters) => _parameters = parameters?.Where(p => p.requires_grad).ToList();

    /// <summary>Backward into the parameters' <c>.grad</c>: the sequential loop, and the first worker.</summary>
    public static WorkerGradients IntoParameters { get; } = new(null);

    /// <summary>A worker that sums the gradients of <paramref name="parameters"/> into its own buffers.</summary>
    internal static WorkerGradients Buffered(IReadOnlyList<Parameter> parameters) => new(parameters);

    /// <summary>Back-propagates <paramref name="loss"/> (a scalar) into this worker's gradients.</summary>
    public void Backward(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (_parameters is null)
        {
            loss.backward();
            return;
        }
        if (_parameters.Count == 0) return;
        // Parameters this loss does not reach get no gradient (allow_unused), as backward leaves their .grad as it was.
        var gradients = TorchSharp.torch.autograd.grad([loss], [.. _parameters], allow_unused: true);
        _sums ??= new Tensor?[_parameters.Count];
        for (int i = 0; i < gradients.Count; i++)
        {
            var gradient = gradients[i];
            if (gradient.IsInvalid) continue;
            if (_sums[i] is { } sum) sum.PlusInPlace(gradient);
            else _sums[i] = gradient.detach().clone().DetachFromDisposeScope();
            gradient.Dispose();
        }
    }

    /// <summary>Adds this worker's summed gradients to the parameters' <c>.grad</c> (creating it where absent).</summary>
    internal void AddToParameters()
    {
        if (_parameters is null || _sums is null) return;
        using var scope = NewDisposeScope();
        for (int i = 0; i < _sums.Length; i++)
        {
            if (_sums[i] is not { } sum) continue;
            var parameter = _parameters[i];
            if (parameter.grad is { } grad) grad.PlusInPlace(sum);
            else parameter.grad = sum.clone();
        }
    }

    /// <summary>Frees the buffers.</summary>
    public void Dispose()
    {
        foreach (var sum in _sums ?? []) sum?.Dispose();
        _sums = null;
    }
}
