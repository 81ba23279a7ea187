using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace R1Sharp.Models;

/// <summary>
/// Activation checkpointing of one decoder layer as a custom autograd function: the forward runs without a graph and
/// keeps only the layer's input (and the shared RoPE tables and mask); the backward runs the layer again with a graph
/// and back-propagates through it, so the layer's parameters receive their gradients there (PyTorch's reentrant
/// <c>torch.utils.checkpoint</c>). The model has no dropout, so the recomputation is exact.
/// </summary>
internal sealed class CheckpointedLayer : SingleTensorFunction<CheckpointedLayer>
{
    /// <inheritdoc />
    public override string Name => nameof(CheckpointedLayer);

    /// <summary>The layer's output for <paramref name="x"/>, its activations recomputed in backward.</summary>
    public static Tensor Apply(DecoderLayer layer, Tensor x, AttentionInputs inputs) =>
        apply(x, inputs.Cos, inputs.Sin, inputs.Mask, layer, inputs.Causal);

    /// <inheritdoc />
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, cos, sin, mask) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor?)vars[3]);
        var layer = (DecoderLayer)vars[4];
        bool causal = (bool)vars[5];
        ctx.save_for_backward([x, cos, sin, mask!]);
        ctx.save_data("layer", layer);
        ctx.save_data("causal", causal);
        return layer.Forward(x, new AttentionInputs(cos, sin, mask, causal), null, 0);
    }

    /// <inheritdoc />
    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var saved = ctx.get_saved_variables();
        var layer = (DecoderLayer)ctx.get_data("layer");
        bool causal = (bool)ctx.get_data("causal");
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var x = saved[0].detach().requires_grad_(true);
        var output = layer.Forward(x, new AttentionInputs(saved[1], saved[2], saved[3], causal), null, 0);
        output.backward([grad_output]);
        var gradX = x.grad!.clone().MoveToOuterDisposeScope();
        return [gradX, null!, null!, null!, null!, null!];
    }
}
