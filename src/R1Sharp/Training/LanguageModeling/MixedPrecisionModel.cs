using R1Sharp.TorchInterop;
using R1Sharp.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Training.LanguageModeling;

/// <summary>
/// bf16 mixed-precision training with fp32 master weights (<c>bf16: true</c>, as in TRL and PyTorch autocast): the
/// forward and backward run on a bfloat16 copy of the model, so its matmuls use the CPU's bf16 instructions
/// (<c>avx512_bf16</c>: about 2.3× the fp32 matmul peak on the development machine), while the weights that AdamW
/// updates, the optimizer's moments, the gradient sum and the checkpoints stay float32.
/// </summary>
/// <remarks>
/// <para>Why a copy and not autocast: TorchSharp on the CPU has no usable autocast, and pure bf16 training
/// (<c>dtype: bf16</c>) loses small updates, because a bf16 weight keeps 8 significant bits and an update smaller than
/// 1/256 of the weight rounds away; with fp32 masters the update lands in full precision and only the next forward's
/// copy is rounded.</para>
/// <para>The reductions stay float32 as under autocast: <see cref="RmsNorm"/> normalises in float32, the loss
/// (<see cref="CrossEntropyStep.TokenLossSum"/>, and the chunked path of <see cref="PackedCausalForward.TokenLossSum"/>)
/// takes its log-softmax of float32 logits, and gradients of several micro-batches are summed into the masters'
/// float32 <c>.grad</c> (<see cref="AccumulateGradients"/>), never in bf16.</para>
/// <para>One step: <see cref="ZeroGradients"/>; per micro-batch forward + backward on <see cref="Compute"/>, then
/// <see cref="AccumulateGradients"/>; clip and step the optimizer over <see cref="MasterParameters"/>; then
/// <see cref="CopyMasterToCompute"/> before the next forward. <see cref="CrossEntropyStep"/> does all of this when
/// given the model (<see cref="CrossEntropyStep.WithMasterWeights"/>).</para>
/// <para>LoRA (GRPO, issue 18): adapters attached to the master before this copy is made are shared with the copy, not
/// copied: they stay float32 (their own master weights, as PEFT's <c>autocast_adapter_dtype</c>), their gradients land
/// on them directly, and only the frozen base runs in bf16. The copy's parameters require gradients as the master's do,
/// so a frozen base gets none.</para>
/// </remarks>
public sealed class MixedPrecisionModel : IDisposable
{
    private readonly Parameter[] _master;
    private readonly Parameter[] _compute;
    private readonly List<LinearProjection> _sharedAdapters = [];

    /// <summary>Pairs float32 <paramref name="master"/> with a new bfloat16 copy of it on the same device.</summary>
    /// <param name="master">The model that is trained, saved and restored (float32).</param>
    /// <exception cref="NotSupportedException">The master is not float32.</exception>
    public MixedPrecisionModel(CausalLanguageModel master)
    {
        Master = master ?? throw new ArgumentNullException(nameof(master));
        if (master.Dtype != ScalarType.Float32)
            throw new NotSupportedException($"bf16 mixed precision needs float32 master weights; the model is {master.Dtype} (drop dtype: bf16, which trains in pure bf16)");
        Compute = CausalLanguageModel.CreateUninitialized(master.Config, master.Device, ScalarType.BFloat16);
        Compute.GradientCheckpointing = master.GradientCheckpointing;
        var computeByName = Compute.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var pairs = master.named_parameters().Select(p => (p.parameter, Copy: computeByName[p.name])).ToArray();
        _master = [.. pairs.Select(p => p.parameter)];
        _compute = [.. pairs.Select(p => p.Copy)];
        foreach (var (trained, copy) in pairs) copy.requires_grad = trained.requires_grad;
        ShareAdapters(master);
        CopyMasterToCompute();
    }

    private void ShareAdapters(CausalLanguageModel master)
    {
        var layers = Compute.named_modules().Where(m => m.module is LinearProjection)
            .ToDictionary(m => m.name, m => (LinearProjection)m.module, StringComparer.Ordinal);
        foreach (var (name, module) in master.named_modules())
        {
            if (module is not LinearProjection { Adapter: { } adapter }) continue;
            layers[name].Adapter = adapter;
            _sharedAdapters.Add(layers[name]);
        }
    }

    /// <summary>The float32 model the optimizer steps and checkpoints save.</summary>
    public CausalLanguageModel Master { get; }

    /// <summary>The bfloat16 copy that runs forward and backward (and may serve rollouts).</summary>
    public CausalLanguageModel Compute { get; }

    /// <summary>The master's trainable parameters, in the order of <see cref="Compute"/>'s.</summary>
    public IReadOnlyList<Parameter> MasterParameters => _master;

    /// <summary>
    /// What the forward differentiates for each of <paramref name="trained"/>: a master weight's bfloat16 copy, or a shared
    /// float32 LoRA adapter weight itself. A micro-batch worker that takes its gradients with <c>autograd.grad</c>
    /// (<see cref="Optimization.WorkerGradients"/>) takes them with respect to these and sums them into the trained
    /// parameters' float32 gradients.
    /// </summary>
    /// <param name="trained">Parameters of the master, or adapters shared with the copy.</param>
    /// <returns>The counterparts, in the order of <paramref name="trained"/>.</returns>
    /// <exception cref="ArgumentException">A parameter belongs to neither model (its gradient would be lost).</exception>
    public IReadOnlyList<Parameter> ComputeCounterparts(IReadOnlyList<Parameter> trained)
    {
        ArgumentNullException.ThrowIfNull(trained);
        var counterparts = new Dictionary<Parameter, Parameter>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _master.Length; i++) counterparts[_master[i]] = _compute[i];
        foreach (var layer in _sharedAdapters)
            foreach (var shared in new[] { layer.Adapter!.A, layer.Adapter.B }) counterparts[shared] = shared;
        return [.. trained.Select((p, i) => counterparts.TryGetValue(p, out var copy) ? copy
            : throw new ArgumentException($"trained parameter {i} is neither a master weight nor a shared LoRA adapter of this bf16 model", nameof(trained)))];
    }

    /// <summary>Rounds the master weights into the compute copy (after every optimizer step, and after a checkpoint load).</summary>
    /// <param name="trainableOnly">Copy only the parameters the master trains (requires_grad): after an optimizer step,
    /// frozen weights (a LoRA base) have not changed and need no copy; after a load, copy all.</param>
    public void CopyMasterToCompute(bool trainableOnly = false)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < _master.Length; i++)
            if (!trainableOnly || _master[i].requires_grad) _compute[i].copy_(_master[i]);
    }

    /// <summary>Clears the gradients of both copies (the start of an optimizer step).</summary>
    public void ZeroGradients()
    {
        foreach (var p in _master.Concat(_compute))
            if (p.grad is { } grad) grad.zero_();
    }

    /// <summary>
    /// Clears the bf16 copy's gradients, and those of the masters that <paramref name="clearedByOptimizer"/> does not
    /// hold: for a step whose optimizer has just run <c>zero_grad</c>, so the masters' float32 gradients it cleared are
    /// not written a second time (<see cref="ZeroGradients"/> clears every one).
    /// </summary>
    /// <param name="clearedByOptimizer">The optimizer's parameters (<c>optimizer.parameters()</c>).</param>
    internal void ZeroGradientsBesides(IEnumerable<Parameter> clearedByOptimizer)
    {
        var cleared = new HashSet<Parameter>(clearedByOptimizer, ReferenceEqualityComparer.Instance);
        foreach (var p in _compute.Concat(_master.Where(m => !cleared.Contains(m))))
            if (p.grad is { } grad) grad.zero_();
    }

    /// <summary>
    /// Adds the compute copy's bf16 gradients, widened to float32, into the masters' float32 <c>.grad</c> and clears
    /// them, so each micro-batch's gradient is rounded to bf16 once and the sum over micro-batches is float32.
    /// </summary>
    public void AccumulateGradients()
    {
        using var noGrad = no_grad();
        for (int i = 0; i < _master.Length; i++)
        {
            if (_compute[i].grad is not { } low) continue;
            // float32 += bf16 in one pass: libtorch widens each element exactly and adds in float32, as a widened copy
            // would, without writing and reading one.
            if (_master[i].grad is { } sum) sum.PlusInPlace(low);
            else
            {
                using var widened = low.to_type(ScalarType.Float32);
                _master[i].grad = widened;
            }
            low.zero_();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var layer in _sharedAdapters) layer.Adapter = null; // the LoRA model owns and disposes them
        Compute.Dispose();
    }
}
