using R1Sharp.TorchInterop;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Training.Optimization;

/// <summary>
/// Where one worker of <see cref="ConcurrentMicroBatches"/> sends its micro-batches' gradients. The first worker's go
/// straight into the parameters' <c>.grad</c>, as a sequential loop's would. Every other worker's are summed, in its
/// micro-batches' order, into buffers of its own through <c>autograd.grad</c>, which leaves <c>.grad</c> untouched.
/// <see cref="ConcurrentMicroBatches"/> then adds them in worker order. Every addition thus has a fixed place in a
/// fixed order, whichever thread finishes first. Under bf16 mixed precision the forward runs on bfloat16 copies of the
/// weights: a buffered worker differentiates the copies, and each micro-batch's bf16 gradient is widened and summed in
/// the float32 of the masters, as the first worker's path (backward, then
/// <see cref="LanguageModeling.MixedPrecisionModel.AccumulateGradients"/>) sums it. A buffered worker's sums of float32
/// parameters larger than a glibc heap are kept between steps (<see cref="KeptGradientBuffers"/>), and the head's and the
/// embedding's gradients are added into them where they are computed, as the first worker's go into <c>.grad</c>.
/// </summary>
public sealed class WorkerGradients : IDisposable
{
    private readonly IReadOnlyList<Parameter>? _parameters;
    private readonly IReadOnlyList<Parameter>? _differentiated;
    private readonly int _worker;
    private readonly long _keptMinimumBytes;
    private Tensor?[]? _sums;
    private bool[]? _returned;
    // Sums kept between steps (not this object's to free), by parameter index and by the address of the weight.
    private Models.ParameterGradientSink.KeptGradient?[]? _kept;
    private Dictionary<IntPtr, Models.ParameterGradientSink.KeptGradient>? _keptByAddress;

    private WorkerGradients(IReadOnlyList<Parameter>? parameters, IReadOnlyList<Parameter>? differentiated, int worker = 0,
        long keptMinimumBytes = long.MaxValue)
    {
        if (parameters is null || differentiated is null) return;
        if (differentiated.Count != parameters.Count)
            throw new ArgumentException($"{differentiated.Count} differentiated tensors for {parameters.Count} parameters", nameof(differentiated));
        // Frozen parameters (requires_grad false) get no gradient from backward either, and autograd.grad refuses them.
        var trained = Enumerable.Range(0, parameters.Count).Where(i => differentiated[i].requires_grad).ToList();
        _parameters = [.. trained.Select(i => parameters[i])];
        _differentiated = [.. trained.Select(i => differentiated[i])];
        _worker = worker;
        _keptMinimumBytes = keptMinimumBytes;
    }

    /// <summary>Backward into the parameters' <c>.grad</c>: the sequential loop, and the first worker.</summary>
    public static WorkerGradients IntoParameters { get; } = new(null, null);

    /// <summary>True for <see cref="IntoParameters"/>: backward writes <c>.grad</c> (of the bf16 copy, under mixed
    /// precision, which the caller then sums into the masters).</summary>
    public bool WritesParameterGradients => _parameters is null;

    /// <summary>
    /// A worker that sums the gradients of <paramref name="parameters"/> into its own buffers: gradients with respect to
    /// <paramref name="differentiated"/> (what the forward uses for each parameter: the parameter itself, or its bf16
    /// copy), kept in each parameter's dtype.
    /// </summary>
    /// <param name="parameters">The trained parameters.</param>
    /// <param name="differentiated">What the forward uses for each parameter; null: the parameters themselves.</param>
    /// <param name="worker">The worker's index: its kept sums are its own.</param>
    /// <param name="keptMinimumBytes">Float32 parameters at least this large get a sum kept between steps
    /// (<see cref="KeptGradientBuffers"/>); by default none.</param>
    internal static WorkerGradients Buffered(IReadOnlyList<Parameter> parameters, IReadOnlyList<Parameter>? differentiated = null,
        int worker = 0, long keptMinimumBytes = long.MaxValue) =>
        new(parameters, differentiated ?? parameters, worker, keptMinimumBytes);

    /// <summary>Back-propagates <paramref name="loss"/> (a scalar) into this worker's gradients.</summary>
    public void Backward(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (_parameters is null)
        {
            // Into .grad: the [V, H] gradients of the head and the embedding may be added there directly.
            using var sink = Models.ParameterGradientSink.Enter();
            loss.backward();
            return;
        }
        if (_parameters.Count == 0) return;
        if (_sums is null) StartSums();
        // Parameters this loss does not reach get no gradient (allow_unused), as backward leaves their .grad as it was.
        // A kept sum's weight gets none either where the head or the embedding added into the sum directly.
        IList<Tensor> gradients;
        using (_keptByAddress is null ? default : Models.ParameterGradientSink.EnterKept(_keptByAddress))
            gradients = TorchSharp.torch.autograd.grad([loss], [.. _differentiated!], allow_unused: true);
        for (int i = 0; i < gradients.Count; i++)
        {
            var gradient = gradients[i];
            if (gradient.IsInvalid) continue;
            _returned![i] = true;
            var dtype = _parameters[i].dtype;
            if (_sums[i] is { } sum)
            {
                using var widened = gradient.dtype == dtype ? null : gradient.to_type(dtype);
                sum.PlusInPlace(widened ?? gradient);
            }
            else _sums[i] = gradient.detach().to_type(dtype, copy: true).DetachFromDisposeScope();
            gradient.Dispose();
        }
    }

    // On the worker's first micro-batch, on its own thread (so the kept sums are zeroed there, not before the workers
    // start): kept sums only where the forward uses the parameter itself (not a bf16 copy), so the weight the functions
    // see is it; every other sum begins with the first gradient returned for it.
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_sums), nameof(_returned))]
    private void StartSums()
    {
        _sums = new Tensor?[_parameters!.Count];
        _returned = new bool[_parameters.Count];
        for (int i = 0; i < _parameters.Count; i++)
        {
            var parameter = _parameters[i];
            if (!ReferenceEquals(parameter, _differentiated![i]) || !KeptGradientBuffers.Keeps(parameter, _keptMinimumBytes)) continue;
            _kept ??= new Models.ParameterGradientSink.KeptGradient?[_parameters.Count];
            _keptByAddress ??= [];
            var kept = new Models.ParameterGradientSink.KeptGradient(KeptGradientBuffers.Zeroed(parameter, _worker));
            _kept[i] = kept;
            _keptByAddress[Models.NativeTensorData.Pointer(parameter)] = kept;
            _sums[i] = kept.Sum;
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
            // A kept sum nothing reached stays zero: the parameter got no gradient, and its .grad stays as it was.
            if (_kept?[i] is { Written: false } && !_returned![i]) continue;
            var parameter = _parameters[i];
            if (parameter.grad is { } grad) grad.PlusInPlace(sum);
            else parameter.grad = sum.clone();
        }
    }

    /// <summary>Frees the buffers.</summary>
    public void Dispose()
    {
        for (int i = 0; i < (_sums?.Length ?? 0); i++)
            if (_kept?[i] is null) _sums![i]?.Dispose();
        _sums = null;
    }
}
