using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// Qwen3-MoE's sparse block (<c>mlp</c>: <c>gate</c> [experts, hidden] and <c>experts.M.{gate,up,down}_proj</c>):
/// every token goes to its top-k experts (<see cref="ExpertRouter"/>) and the outputs are summed with the routing
/// weights, dispatched sparsely and grouped by expert (<see cref="ExpertDispatch"/>).
/// </summary>
internal sealed class SparseMoeBlock : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate")]
    private readonly LinearProjection _router;
    [ComponentName(Name = "experts")]
    private readonly ModuleList<SwiGluFeedForward> _experts;
    private readonly MoeSettings _settings;
    private Tensor? _lastRouterLogits;

    public SparseMoeBlock(ModelConfig config, Device device, ScalarType dtype) : base(nameof(SparseMoeBlock))
    {
        _settings = config.Moe ?? throw new ArgumentException("a sparse MoE block needs the config's MoE settings", nameof(config));
        _router = new LinearProjection(config.HiddenSize, _settings.NumExperts, false, device, dtype);
        _experts = new ModuleList<SwiGluFeedForward>();
        for (int e = 0; e < _settings.NumExperts; e++)
            _experts.Add(new SwiGluFeedForward(config.HiddenSize, _settings.MoeIntermediateSize, false, device, dtype));
        register_module("gate", _router);
        register_module("experts", _experts);
        RegisterComponents();
    }

    /// <summary>Keep the router logits of the latest forward for <see cref="RouterLoadBalancing"/> (off by default).</summary>
    public bool CollectRouterLogits { get; set; }

    /// <summary>Router logits [tokens, experts] of the latest forward while <see cref="CollectRouterLogits"/> is on; else null.</summary>
    public Tensor? LastRouterLogits => _lastRouterLogits;

    /// <summary>Replaces the kept router logits (the checkpointed layer's differentiable copy of them).</summary>
    public void KeepRouterLogits(Tensor logits)
    {
        _lastRouterLogits?.Dispose();
        _lastRouterLogits = logits.alias().DetachFromDisposeScope();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        long width = x.shape[^1];
        var flat = x.reshape(-1, width);
        var logits = _router.forward(flat);
        if (CollectRouterLogits) KeepRouterLogits(logits);
        int k = _settings.NumExpertsPerToken;
        var (weights, experts) = ExpertRouter.SoftmaxTopK(logits, k, _settings.NormTopKProb, x.dtype);
        var output = ExpertDispatch.Run(flat, weights, experts, _experts);
        return output.reshape(x.shape).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the kept router logits.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _lastRouterLogits?.Dispose();
        base.Dispose(disposing);
    }
}
