using R1Sharp.TorchInterop;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.Optimization;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter 2019, decoupled weight decay) with the same update, options and saved state as
/// TorchSharp's <see cref="TorchSharp.Modules.AdamW"/>, but with every scalar it passes to libtorch held for the length
/// of the call, and a float32 CPU parameter's update fused into two passes over memory (<see cref="FusedAdamWUpdate"/>,
/// the same numbers bit for bit).
/// </summary>
/// <remarks>
/// TorchSharp's own <c>step</c> converts six numbers per parameter implicitly (<c>mul_(beta1)</c>,
/// <c>add_(grad, alpha: 1 - beta1)</c>, <c>/ Math.Sqrt(...)</c>, …); a collection during one of those native calls
/// can free the scalar libtorch is reading (see <see cref="HeldScalars"/>). The update here is the same arithmetic in
/// the same order, so a run's numbers do not change. The class is named AdamW because TorchSharp writes the type's
/// name into the saved state and refuses another on load: under this name, checkpoints written by either optimizer
/// resume in the other.
/// </remarks>
public sealed class AdamW : TorchSharp.Modules.AdamW
{
    /// <summary>AdamW over <paramref name="parameters"/> with PyTorch's defaults.</summary>
    public AdamW(IEnumerable<TorchSharp.Modules.Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0)
        : base(parameters, lr, beta1, beta2, eps, weightDecay)
    {
    }

    /// <inheritdoc/>
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, eps = options.eps!.Value;
        double lr = options.LearningRate!.Value, weightDecay = options.weight_decay!.Value;
        bool amsgrad = options.amsgrad!.Value, maximize = options.maximize!.Value;
        using var decay = (1 - lr * weightDecay).ToScalar();
        using var beta1Scalar = beta1.ToScalar();
        using var beta2Scalar = beta2.ToScalar();
        using var gradientShare = (1 - beta1).ToScalar();
        using var squareShare = (1 - beta2).ToScalar();
        using var epsilon = eps.ToScalar();

        foreach (var parameter in group.Parameters)
        {
            var state = (State)_state[parameter.Handle];
            var grad = parameter.grad;
            if (grad is null) continue;
            if (maximize) grad = -grad;
            state.step += 1;
            double biasCorrection1 = 1 - Math.Pow(beta1, state.step);
            double biasCorrection2 = 1 - Math.Pow(beta2, state.step);
            if (!amsgrad && FusedAdamWUpdate.Applies(parameter, grad, state.exp_avg, state.exp_avg_sq))
            {
                FusedAdamWUpdate.Step(parameter, grad, state.exp_avg, state.exp_avg_sq, Scratch(parameter.numel()),
                    new((float)(1 - lr * weightDecay), (float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2),
                        (float)Math.Sqrt(biasCorrection2), (float)eps, (float)(-lr / biasCorrection1)), get_num_threads());
                continue;
            }

            parameter.mul_(decay);
            state.exp_avg.mul_(beta1Scalar).add_(grad, gradientShare);
            state.exp_avg_sq.mul_(beta2Scalar).addcmul_(grad, grad, squareShare);

            Tensor second = state.exp_avg_sq;
            if (amsgrad)
            {
                var previous = state.max_exp_avg_sq;
                state.max_exp_avg_sq = torch.maximum(previous, state.exp_avg_sq).DetachFromDisposeScope();
                previous.Dispose();
                second = state.max_exp_avg_sq;
            }
            using var correction = Math.Sqrt(biasCorrection2).ToScalar();
            using var stepSize = (-lr / biasCorrection1).ToScalar();
            var denominator = second.sqrt().div_(correction).add_(epsilon, HeldScalars.One);
            parameter.addcdiv_(state.exp_avg, denominator, stepSize);
            GC.KeepAlive(grad);
        }
    }, closure);

    // The fused update's buffer for √v: one, as large as the largest parameter stepped so far, kept between steps.
    private Tensor Scratch(long elements)
    {
        if (_scratch is null || _scratch.numel() < elements)
        {
            _scratch?.Dispose();
            _scratch = empty(elements, ScalarType.Float32).DetachFromDisposeScope();
        }
        return _scratch;
    }

    private Tensor? _scratch;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _scratch?.Dispose();
        base.Dispose(disposing);
    }
}
