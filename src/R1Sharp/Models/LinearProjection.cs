using R1Sharp.TorchInterop;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using R1Sharp.Models.Lora;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// y = x W^T (+ b) with parameters named <c>weight</c> / <c>bias</c> as in transformers. Written instead of
/// nn.Linear so that parameters are allocated directly in the target dtype and device without a throw-away
/// Kaiming initialisation (a checkpoint load overwrites them anyway).
/// </summary>
internal sealed class LinearProjection : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;
    [ComponentName(Name = "bias")]
    private readonly Parameter? _bias;

    public LinearProjection(long inFeatures, long outFeatures, bool hasBias, Device device, ScalarType dtype) : base(nameof(LinearProjection))
    {
        _weight = new Parameter(torch.empty([outFeatures, inFeatures], dtype, device));
        register_parameter("weight", _weight);
        if (hasBias)
        {
            _bias = new Parameter(torch.zeros([outFeatures], dtype, device));
            register_parameter("bias", _bias);
        }
        RegisterComponents();
    }

    public Parameter Weight => _weight;

    /// <summary>
    /// A LoRA update added to this layer's output while its switch is on (see <see cref="LoraModel"/>). Set after
    /// construction, so it is not a registered component: state_dict and checkpoints stay the base model's.
    /// </summary>
    public LoraAdapter? Adapter { get; set; }

    /// <summary>
    /// Each projection of <paramref name="input"/> (same input width and dtype: q, k and v, or gate and up), through
    /// one call of <see cref="SmallBatchLinear"/> when it takes them all (decoding, no LoRA update on), otherwise one
    /// <see cref="forward"/> each. Outputs in the order given.
    /// </summary>
    public static Tensor[] Fused(Tensor input, params LinearProjection[] projections)
    {
        bool together = true;
        foreach (var p in projections)
            together &= p.Adapter is not { Switch.Enabled: true } && SmallBatchLinear.Takes(input, p._weight, p._bias);
        if (!together) return [.. projections.Select(p => p.forward(input))];
        return SmallBatchLinear.Products(input, [.. projections.Select(p => (Tensor)p._weight)], [.. projections.Select(p => (Tensor?)p._bias)]);
    }

    public override Tensor forward(Tensor input)
    {
        var output = SmallBatchLinear.Takes(input, _weight, _bias)
            ? SmallBatchLinear.Product(input, _weight, _bias)
            : nn.functional.linear(input, _weight, _bias);
        if (Adapter is not { Switch.Enabled: true } adapter) return output;
        using var update = adapter.Update(input, training);
        return output.PlusInPlace(update);
    }
}
