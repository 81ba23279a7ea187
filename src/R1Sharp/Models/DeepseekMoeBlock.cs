using R1Sharp.TorchInterop;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// DeepSeek-V3's sparse block (<c>mlp</c>: <c>gate</c> (<see cref="ExpertGate"/>), <c>experts.M.{gate,up,down}_proj</c>
/// and <c>shared_experts.{gate,up,down}_proj</c>): every token goes to its k routed experts, chosen and weighted by
/// <see cref="ExpertRouter.DeepseekTopK"/> and dispatched sparsely (<see cref="ExpertDispatch"/>), plus the shared MLP
/// of width n_shared_experts × moe_intermediate_size that every token goes through.
/// </summary>
internal sealed class DeepseekMoeBlock : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate")]
    private readonly ExpertGate _gate;
    [ComponentName(Name = "experts")]
    private readonly ModuleList<SwiGluFeedForward> _experts;
    [ComponentName(Name = "shared_experts")]
    private readonly SwiGluFeedForward? _shared;
    private readonly DeepseekMoeSettings _settings;
    private Tensor? _lastExperts;

    public DeepseekMoeBlock(ModelConfig config, Device device, ScalarType dtype) : base(nameof(DeepseekMoeBlock))
    {
        _settings = config.DeepseekMoe ?? throw new ArgumentException("a DeepSeek MoE block needs the config's MoE settings", nameof(config));
        _gate = new ExpertGate(config.HiddenSize, _settings.NRoutedExperts, device, dtype);
        _experts = new ModuleList<SwiGluFeedForward>();
        for (int e = 0; e < _settings.NRoutedExperts; e++)
            _experts.Add(new SwiGluFeedForward(config.HiddenSize, _settings.MoeIntermediateSize, false, device, dtype));
        register_module("gate", _gate);
        register_module("experts", _experts);
        if (_settings.NSharedExperts > 0)
        {
            _shared = new SwiGluFeedForward(config.HiddenSize, _settings.MoeIntermediateSize * _settings.NSharedExperts, false, device, dtype);
            register_module("shared_experts", _shared);
        }
        RegisterComponents();
    }

    /// <summary>Keep the expert choices of the latest forward for <see cref="ExpertBiasUpdate"/> (off by default).</summary>
    public bool CollectExpertChoices { get; set; }

    /// <summary>The routed experts [tokens, k] (int64) of the latest forward while <see cref="CollectExpertChoices"/> is on; else null.</summary>
    public Tensor? LastExperts => _lastExperts;

    /// <summary>The selection bias <c>e_score_correction_bias</c> [experts].</summary>
    public Tensor CorrectionBias => _gate.CorrectionBias;

    /// <summary>Routed experts (n_routed_experts).</summary>
    public int ExpertCount => _settings.NRoutedExperts;

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var flat = x.reshape(-1, x.shape[^1]);
        var (weights, experts) = ExpertRouter.DeepseekTopK(_gate.forward(flat), _gate.CorrectionBias, _settings, x.dtype);
        if (CollectExpertChoices)
        {
            _lastExperts?.Dispose();
            _lastExperts = experts.alias().DetachFromDisposeScope();
        }
        var output = ExpertDispatch.Run(flat, weights, experts, _experts);
        if (_shared is not null) output = output.Plus(_shared.forward(flat));
        return output.reshape(x.shape).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the kept expert choices.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _lastExperts?.Dispose();
        base.Dispose(disposing);
    }
}
