using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// DeepSeek-V3's router (<c>mlp.gate</c>): <c>weight</c> [experts, hidden] gives the logits, and the persistent buffer
/// <c>e_score_correction_bias</c> [experts] shifts the scores used to choose experts (not the weights). The bias is
/// not trained by gradient: DeepSeek-V3 adjusts it between steps by expert load (auxiliary-loss-free balancing), so
/// it is a buffer, saved and loaded with the checkpoint but never given to an optimizer.
/// </summary>
internal sealed class ExpertGate : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;
    [ComponentName(Name = "e_score_correction_bias")]
    private readonly Tensor _correctionBias;

    public ExpertGate(int hidden, int experts, Device device, ScalarType dtype) : base(nameof(ExpertGate))
    {
        _weight = new Parameter(torch.empty([experts, hidden], dtype, device));
        _correctionBias = torch.zeros([experts], dtype, device);
        register_parameter("weight", _weight);
        register_buffer("e_score_correction_bias", _correctionBias);
        RegisterComponents();
    }

    /// <summary>The selection bias [experts].</summary>
    public Tensor CorrectionBias => _correctionBias;

    /// <summary>Router logits [N, experts], computed in float32 as DeepSeek's MoEGate does.</summary>
    public override Tensor forward(Tensor flat) =>
        nn.functional.linear(flat.to(ScalarType.Float32), _weight.to(ScalarType.Float32));
}
