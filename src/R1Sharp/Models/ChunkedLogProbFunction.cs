using R1Sharp.TorchInterop;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace R1Sharp.Models;

/// <summary>
/// The autograd function behind <see cref="ChunkedTokenLogProbs.GatherWithEntropy(Tensor, Tensor, Tensor, double, int, bool, LogitScratch)"/>: inputs hidden [N, H], weight [V, H],
/// targets [N], temperature, chunk size, the <see cref="LogitScratch"/> the chunks' logits are written into, and optionally an [N] tensor the forward fills with each row's entropy;
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

    /// <summary>Writes <paramref name="rows"/>·weightᵀ/τ into <paramref name="logits"/> [n, V] (float32), in place.</summary>
    private static void ProjectInto(Tensor logits, Tensor rows, Tensor weight, double temperature)
    {
        if (rows.dtype == ScalarType.Float32 && weight.dtype == ScalarType.Float32)
        {
            // beta 0: the block's old contents are ignored, NaN included (torch.addmm's contract).
            logits.addmm_(rows, weight.t(), beta: 0, alpha: (float)(1.0 / temperature));
            return;
        }
        logits.copy_(nn.functional.linear(rows, weight));
        if (temperature != 1.0)
        {
            using var divisor = temperature.ToScalar();
            logits.div_(divisor);
        }
    }

    /// <inheritdoc />
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (hidden, weight, targets) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2]);
        double temperature = (double)vars[3];
        int chunk = (int)vars[4];
        var scratch = (LogitScratch)vars[5];
        var entropy = vars.Length > 6 ? (Tensor)vars[6] : null; // optional [N] output: each row's entropy, a metric
        ctx.save_for_backward([hidden, weight, targets]);
        ctx.save_data("temperature", temperature);
        ctx.save_data("chunk", chunk);
        ctx.save_data("scratch", scratch);
        ctx.save_data("inputs", vars.Length);
        ctx.save_data("weight_grad", weight.requires_grad); // frozen head (LoRA): no [V, H] gradient is built
        using var scope = NewDisposeScope();
        long n = hidden.shape[0], vocabulary = weight.shape[0];
        var result = empty([n], ScalarType.Float32, hidden.device);
        // One [chunk, V] block for the logits (two with the entropy), reused by every chunk: only [m] values are kept.
        using var block = scratch.Rent(Math.Clamp(n, 1, chunk), vocabulary, hidden.device);
        using var second = entropy is null ? null : scratch.Rent(Math.Clamp(n, 1, chunk), vocabulary, hidden.device);
        for (long start = 0; start < n; start += chunk)
        {
            using var inner = NewDisposeScope();
            long m = Math.Min(chunk, n - start);
            var z = block.View.narrow(0, 0, m);
            ProjectInto(z, hidden.narrow(0, start, m), weight, temperature);
            // log p(t) = z_t − max − log Σ exp(z − max); entropy = log s − Σ e·(z − max) / s with e = exp(z − max), s = Σ e.
            var max = z.amax([1], keepdim: true);
            var target = z.gather(1, targets.narrow(0, start, m).unsqueeze(1));
            z.sub_(max);
            Tensor sum;
            if (second is null)
            {
                sum = z.exp_().sum(1, keepdim: true);
            }
            else
            {
                var e = second.View.narrow(0, 0, m);
                e.copy_(z).exp_();
                sum = e.sum(1, keepdim: true);
                using (no_grad())
                    entropy!.narrow(0, start, m).copy_((sum.log() - e.mul_(z).sum(1, keepdim: true).div_(sum)).squeeze(1));
            }
            result.narrow(0, start, m).copy_((target - max - sum.log_()).squeeze(1));
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var saved = ctx.get_saved_variables();
        var (hidden, weight, targets) = (saved[0], saved[1], saved[2]);
        double temperature = (double)ctx.get_data("temperature");
        int chunk = (int)ctx.get_data("chunk");
        var scratch = (LogitScratch)ctx.get_data("scratch");
        bool weightGrad = (bool)ctx.get_data("weight_grad");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long n = hidden.shape[0], vocabulary = weight.shape[0];
        bool float32 = hidden.dtype == ScalarType.Float32 && weight.dtype == ScalarType.Float32;
        var gradHidden = empty_like(hidden);
        // Accumulated in place chunk by chunk (addmm_), so no [V, H] product is allocated per chunk; into the weight's
        // own .grad where the sink is open (ParameterGradientSink), else into a new matrix returned to autograd.
        using var sink = weightGrad && float32 ? ParameterGradientSink.Target(weight) : null;
        var gradWeight = sink ?? (weightGrad ? zeros(weight.shape, ScalarType.Float32, weight.device) : null);
        using var block = scratch.Rent(Math.Clamp(n, 1, chunk), vocabulary, hidden.device);
        using var inverseTemperature = (1.0 / temperature).ToScalar();
        for (long start = 0; start < n; start += chunk)
        {
            using var inner = NewDisposeScope();
            long m = Math.Min(chunk, n - start);
            var rows = hidden.narrow(0, start, m);
            // ∂/∂z = g·(onehot(t) − e/s)/τ with e = exp(z − max), s = Σ e: built in the block, in place.
            var z = block.View.narrow(0, 0, m);
            ProjectInto(z, rows, weight, temperature);
            z.sub_(z.amax([1], keepdim: true)).exp_();
            var g = grad_output.narrow(0, start, m).to(ScalarType.Float32).unsqueeze(1).mul(inverseTemperature);
            z.mul_(g.div(z.sum(1, keepdim: true)).neg_());
            z.scatter_add_(1, targets.narrow(0, start, m).unsqueeze(1), g);
            if (float32)
            {
                gradHidden.narrow(0, start, m).addmm_(z, weight, beta: 0, alpha: 1);
                gradWeight?.addmm_(z.t(), rows, beta: 1, alpha: 1);
            }
            else
            {
                gradHidden.narrow(0, start, m).copy_(z.to(weight.dtype).matmul(weight));
                gradWeight?.addmm_(z.t(), rows.to(ScalarType.Float32), beta: 1, alpha: 1);
            }
        }
        var grads = new List<Tensor> { gradHidden.MoveToOuterDisposeScope(), sink is null ? gradWeight?.to(weight.dtype).MoveToOuterDisposeScope()! : null! };
        for (int i = 2; i < (int)ctx.get_data("inputs"); i++) grads.Add(null!); // targets, temperature, chunk, scratch, entropy output
        return grads;
    }
}
