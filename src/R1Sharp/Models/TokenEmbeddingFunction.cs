using R1Sharp.TorchInterop;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace R1Sharp.Models;

/// <summary>
/// The embedding lookup when its weight is trained: inputs weight [V, H] and flat ids [N]; output weight[ids] [N, H].
/// Backward adds each row's gradient to its token's row: into the weight's <c>.grad</c> where
/// <see cref="ParameterGradientSink"/> is open, else into a new [V, H] zero matrix that it returns, as libtorch's
/// <c>index_select</c> backward does.
/// </summary>
internal sealed class TokenEmbeddingFunction : SingleTensorFunction<TokenEmbeddingFunction>
{
    /// <inheritdoc />
    public override string Name => nameof(TokenEmbeddingFunction);

    /// <inheritdoc />
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (weight, ids) = ((Tensor)vars[0], (Tensor)vars[1]);
        ctx.save_for_backward([weight, ids]);
        using var noGrad = no_grad();
        return weight.index_select(0, ids);
    }

    /// <inheritdoc />
    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var saved = ctx.get_saved_variables();
        var (weight, ids) = (saved[0], saved[1]);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = grad_output.to(weight.dtype);
        using var sink = ParameterGradientSink.Target(weight);
        if (sink is not null)
        {
            // Each token's rows summed first, in order, then added to its row of .grad once: the same additions as the
            // returned matrix's (zeros + rows in order) followed by autograd's .grad + matrix, so a step sums the same
            // whether .grad existed before it (the sink) or not (the first step, or the first after a resume).
            var (tokens, slot, _) = ids.unique(sorted: true, return_inverse: true);
            var sums = zeros([tokens.shape[0], weight.shape[1]], weight.dtype, weight.device).index_add_(0, slot!, rows, HeldScalars.One);
            sink.index_add_(0, tokens, sums, HeldScalars.One);
            return [null!, null!];
        }
        var gradient = zeros(weight.shape, weight.dtype, weight.device).index_add_(0, ids, rows, HeldScalars.One);
        return [gradient.MoveToOuterDisposeScope(), null!];
    }
}
