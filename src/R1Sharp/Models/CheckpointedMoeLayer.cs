using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace R1Sharp.Models;

/// <summary>
/// <see cref="CheckpointedLayer"/> for a Qwen3-MoE layer whose router logits feed the load-balancing loss: the
/// function has two outputs, the layer's output and its router logits, so a loss on the logits reaches the router
/// through the recomputation. Backward runs the layer again with a graph and back-propagates both output gradients
/// through it at once.
/// </summary>
internal sealed class CheckpointedMoeLayer : MultiTensorFunction<CheckpointedMoeLayer>
{
    /// <inheritdoc />
    public override string Name => nameof(CheckpointedMoeLayer);

    /// <summary>The layer's output for <paramref name="x"/> and its router logits [tokens, experts], both recomputed in backward.</summary>
    public static (Tensor Output, Tensor RouterLogits) Apply(DecoderLayer layer, Tensor x, AttentionInputs inputs)
    {
        var outputs = apply(x, inputs.Cos, inputs.Sin, inputs.Mask, layer, inputs.Causal);
        return (outputs[0], outputs[1]);
    }

    /// <inheritdoc />
    public override List<Tensor> forward(AutogradContext ctx, params object[] vars)
    {
        var (x, cos, sin, mask) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor?)vars[3]);
        var layer = (DecoderLayer)vars[4];
        bool causal = (bool)vars[5];
        ctx.save_for_backward([x, cos, sin, mask!]);
        ctx.save_data("layer", layer);
        ctx.save_data("causal", causal);
        // An output no loss used gets no gradient (rather than zeros made from an output the caller has disposed).
        ctx.set_materialize_grads(false);
        var output = layer.Forward(x, new AttentionInputs(cos, sin, mask, causal), null, 0);
        return [output, RouterLogitsOf(layer).clone()];
    }

    /// <inheritdoc />
    public override List<Tensor> backward(AutogradContext ctx, List<Tensor> grad_outputs)
    {
        var saved = ctx.get_saved_variables();
        var layer = (DecoderLayer)ctx.get_data("layer");
        bool causal = (bool)ctx.get_data("causal");
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var x = saved[0].detach().requires_grad_(true);
        var output = layer.Forward(x, new AttentionInputs(saved[1], saved[2], saved[3], causal), null, 0);
        var logits = RouterLogitsOf(layer);
        var outputs = new List<Tensor>();
        var grads = new List<Tensor>();
        foreach (var (tensor, gradient) in new[] { output, logits }.Zip(grad_outputs))
        {
            if (gradient is null || gradient.IsInvalid) continue;
            outputs.Add(tensor);
            grads.Add(gradient);
        }
        if (outputs.Count > 0) torch.autograd.backward(outputs, grads);
        var gradX = (x.grad is { } g ? g.clone() : torch.zeros_like(x)).MoveToOuterDisposeScope();
        return [gradX, null!, null!, null!, null!, null!];
    }

    private static Tensor RouterLogitsOf(DecoderLayer layer) =>
        layer.SparseBlock?.LastRouterLogits ?? throw new InvalidOperationException("the checkpointed MoE layer kept no router logits (CollectRouterLogits is off)");
}
