using R1Sharp.TorchInterop;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// Root-mean-square layer norm as Qwen2/Llama define it: normalise in float32, cast back to the input dtype, then
/// scale by <c>weight</c>. (TorchSharp 0.107 has no nn.RMSNorm.)
/// </summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;
    private readonly double _eps;

    public RmsNorm(long width, double eps, Device device, ScalarType dtype) : base(nameof(RmsNorm))
    {
        _eps = eps;
        _weight = new Parameter(torch.ones([width], dtype, device));
        register_parameter("weight", _weight);
        RegisterComponents();
    }

    /// <summary>
    /// The norm of a decode step's few rows through <see cref="RmsNormRows"/> when the input is contiguous, otherwise
    /// <see cref="forward"/>. For callers that have checked the step is decoding without autograd on the CPU in fp32 or bf16.
    /// </summary>
    public Tensor ForwardDecodeRows(Tensor input) =>
        input.is_contiguous() && input.dtype == _weight.dtype ? RmsNormRows.Forward(input, _weight, _eps) : forward(input);

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = input.to(ScalarType.Float32);
        var variance = x.pow(HeldScalars.Two).mean([-1L], keepdim: true);
        var normed = (x * torch.rsqrt(variance.Plus(_eps))).to(input.dtype);
        return (_weight * normed).MoveToOuterDisposeScope();
    }
}
