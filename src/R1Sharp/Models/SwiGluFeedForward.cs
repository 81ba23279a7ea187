using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>The SwiGLU MLP of Qwen2/Llama (<c>mlp</c>), also each expert of a MoE block: down_proj(silu(gate_proj(x)) * up_proj(x)).</summary>
internal sealed class SwiGluFeedForward : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")]
    private readonly LinearProjection _gate;
    [ComponentName(Name = "up_proj")]
    private readonly LinearProjection _up;
    [ComponentName(Name = "down_proj")]
    private readonly LinearProjection _down;

    public SwiGluFeedForward(ModelConfig config, Device device, ScalarType dtype)
        : this(config.HiddenSize, config.IntermediateSize, config.ModelType == ModelConfig.Llama && config.MlpBias, device, dtype)
    {
    }

    public SwiGluFeedForward(int hidden, int intermediate, bool bias, Device device, ScalarType dtype) : base(nameof(SwiGluFeedForward))
    {
        _gate = new LinearProjection(hidden, intermediate, bias, device, dtype);
        _up = new LinearProjection(hidden, intermediate, bias, device, dtype);
        _down = new LinearProjection(intermediate, hidden, bias, device, dtype);
        register_module("gate_proj", _gate);
        register_module("up_proj", _up);
        register_module("down_proj", _down);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var gateUp = LinearProjection.Fused(x, _gate, _up);
        var hidden = nn.functional.silu(gateUp[0]) * gateUp[1];
        return _down.forward(hidden).MoveToOuterDisposeScope();
    }
}
