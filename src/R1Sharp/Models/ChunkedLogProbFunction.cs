using R1Sharp.TorchInterop;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace R1Sharp.Models;

/// <summary>
/// The autograd function behind <see cref="ChunkedTokenLogProbs.Gather"/>: inputs hidden [N, H], weight [V, H],
/// targets [N], temperature, chunk size and optionally an [N] tensor the forward fills with each row's entropy;
/// output log p(target) [N] float32. Backward, per chunk of rows, with
/// z = h·Wᵀ/τ and g the incoming gradient: ∂/∂z = g·(onehot(target) − softmax(z)), then ∂h = (∂z/τ)·W and
/// ∂W += (∂z/τ)ᵀ·h.
/// </summary>
internal sealed class ChunkedLogProbFunction : SingleTensorFunction<ChunkedLogProbFunction>
{
    /// <inheritdoc />
    public override string Name => nameof(ChunkedLogProbFunction);

    /// <summary>Float32 logits of <paramref name="rows"/> [n, H] divided by the temperature, [n, V].</summary>
    internal static Tensor Logits(Tensor rows, Tensor weight, double temperature)
    {
        var logits = nn.functional.linear(rows, weight).to(ScalarType.Float32);
        return temperature == 1.0 ? logits : logits.DividedBy(temperature);
    }

    /// <inheritdoc />
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (hidden, weight, targets) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2]);
        double temperature = (double)vars[3];
        int chunk = (int)vars[4];
        var entropy = vars.Length > 5 ? (Tensor)vars[5] : null; // optional [N] output: each row's entropy, a metric
        ctx.save_for_backward([hidden, weight, targets]);
        ctx.save_data("temperature", temperature);
        ctx.save_data("chunk", chunk);
        ctx.save_data("inputs", vars.Length);
        ctx.save_data("weight_grad", weight.requires_grad); // frozen head (LoRA): no [V, H] gradient is built
        using var scope = NewDisposeScope();
        long n = hidden.shape[0];
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += chunk)
        {
            // Each chunk's [m, V] logits are freed before the next chunk: only the [m] log-probs are kept.
            using var inner = NewDisposeScope();
            long m = Math.Min(chunk, n - start);
            var logits = Logits(hidden.narrow(0, start, m), weight, temperature);
            var logZ = logits.logsumexp(1, keepdim: true);
            parts.Add((logits.gather(1, targets.narrow(0, start, m).unsqueeze(1)) - logZ).squeeze(1).MoveToOuterDisposeScope());
            if (entropy is not null)
                using (no_grad())
                    entropy.narrow(0, start, m).copy_(logZ.squeeze(1) - (logits - logZ).exp_().mul_(logits).sum(1));
        }
        return (parts.Count == 1 ? parts[0] : cat(parts, 0)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var saved = ctx.get_saved_variables();
        var (hidden, weight, targets) = (saved[0], saved[1], saved[2]);
        double temperature = (double)ctx.get_data("temperature");
        int chunk = (int)ctx.get_data("chunk");
        bool weightGrad = (bool)ctx.get_data("weight_grad");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long n = hidden.shape[0];
        var gradHidden = zeros_like(hidden);
        var gradWeight = weightGrad ? zeros(weight.shape, ScalarType.Float32, weight.device) : null;
        for (long start = 0; start < n; start += chunk)
        {
            using var inner = NewDisposeScope();
            long m = Math.Min(chunk, n - start);
            var rows = hidden.narrow(0, start, m);
            var g = grad_output.narrow(0, start, m).to(ScalarType.Float32).unsqueeze(1);
            var dz = Logits(rows, weight, temperature).softmax(1).mul_(g).neg_();
            dz.scatter_add_(1, targets.narrow(0, start, m).unsqueeze(1), g);
            if (temperature != 1.0)
            {
                using var divisor = temperature.ToScalar();
                dz.div_(divisor);
            }
            gradHidden.narrow(0, start, m).copy_(dz.to(weight.dtype).matmul(weight));
            gradWeight?.PlusInPlace(dz.t().matmul(rows.to(ScalarType.Float32)));
        }
        var grads = new List<Tensor> { gradHidden.MoveToOuterDisposeScope(), gradWeight?.to(weight.dtype).MoveToOuterDisposeScope()! };
        for (int i = 2; i < (int)ctx.get_data("inputs"); i++) grads.Add(null!); // targets, temperature, chunk, entropy output
        return grads;
    }
}
