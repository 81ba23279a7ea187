using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace R1Sharp.Models;

/// <summary>
/// Activation checkpointing of one decoder layer as a custom autograd function: the forward runs without a graph and
/// keeps only the layer's input (and the shared RoPE tables and mask); the backward runs the layer again with a graph
/// and back-propagates through it, so the layer's parameters receive their gradients there (PyTorch's reentrant
/// <c>torch.utils.checkpoint</c>). The model has no dropout, so the recomputation is exact. A Qwen3-MoE layer whose
/// router logits feed the load-balancing loss returns them as a second output, so a loss on them reaches the router
/// through the same recomputation.
/// </summary>
internal sealed class CheckpointedLayer : MultiTensorFunction<CheckpointedLayer>
{
    /// <inheritdoc />
    public override string Name => nameof(CheckpointedLayer);

    /// <summary>The layer's output for <paramref name="x"/>, its activations recomputed in backward.</summary>
    public static Tensor Apply(DecoderLayer layer, Tensor x, AttentionInputs inputs) =>
        apply(x, inputs.Cos, inputs.Sin, inputs.Mask, layer, inputs.Causal, false, inputs.Segments!)[0];

    /// <summary>The layer's output and its router logits [tokens, experts], both recomputed in backward.</summary>
    public static (Tensor Output, Tensor RouterLogits) ApplyWithRouterLogits(DecoderLayer layer, Tensor x, AttentionInputs inputs)
    {
        var outputs = apply(x, inputs.Cos, inputs.Sin, inputs.Mask, layer, inputs.Causal, true, inputs.Segments!);
        return (outputs[0], outputs[1]);
    }

    /// <inheritdoc />
    public override List<Tensor> forward(AutogradContext ctx, params object[] vars)
    {
        var (x, cos, sin, mask) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor?)vars[3]);
        var (layer, causal, routerLogits) = ((DecoderLayer)vars[4], (bool)vars[5], (bool)vars[6]);
        var segments = (PackedSegments?)vars[7];
        ctx.save_for_backward([x, cos, sin, mask!]);
        ctx.save_data("layer", layer);
        ctx.save_data("causal", causal);
        ctx.save_data("router_logits", routerLogits);
        ctx.save_data("segments", segments!);
        // An output no loss used gets no gradient (rather than zeros made from an output the caller has disposed).
        ctx.set_materialize_grads(false);
        var output = layer.Forward(x, new AttentionInputs(cos, sin, mask, causal, segments), null, 0);
        return routerLogits ? [output, RouterLogitsOf(layer).clone()] : [output];
    }

    /// <inheritdoc />
    public override List<Tensor> backward(AutogradContext ctx, List<Tensor> grad_outputs)
    {
        var saved = ctx.get_saved_variables();
        var layer = (DecoderLayer)ctx.get_data("layer");
        bool causal = (bool)ctx.get_data("causal");
        bool routerLogits = (bool)ctx.get_data("router_logits");
        var segments = (PackedSegments?)ctx.get_data("segments");
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var x = saved[0].detach().requires_grad_(true);
        var output = layer.Forward(x, new AttentionInputs(saved[1], saved[2], saved[3], causal, segments), null, 0);
        Tensor[] recomputed = routerLogits ? [output, RouterLogitsOf(layer)] : [output];
        var outputs = new List<Tensor>();
        var grads = new List<Tensor>();
        foreach (var (tensor, gradient) in recomputed.Zip(grad_outputs))
        {
            if (gradient is null || gradient.IsInvalid) continue;
            outputs.Add(tensor);
            grads.Add(gradient);
        }
        if (outputs.Count > 0) torch.autograd.backward(outputs, grads);
        var gradX = (x.grad is { } g ? g.clone() : torch.zeros_like(x)).MoveToOuterDisposeScope();
        return [gradX, null!, null!, null!, null!, null!, null!, null!];
    }

    private static Tensor RouterLogitsOf(DecoderLayer layer) =>
        layer.SparseBlock?.LastRouterLogits ?? throw new InvalidOperationException("the checkpointed MoE layer kept no router logits (CollectRouterLogits is off)");
}
