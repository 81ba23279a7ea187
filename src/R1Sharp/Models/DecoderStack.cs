using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>The transformer body (<c>model</c>): embed_tokens, layers.N, norm, plus the (non-persistent) rotary table.</summary>
internal sealed class DecoderStack : nn.Module
{
    [ComponentName(Name = "embed_tokens")]
    private readonly TokenEmbedding _embedding;
    [ComponentName(Name = "layers")]
    private readonly ModuleList<DecoderLayer> _layers;
    [ComponentName(Name = "norm")]
    private readonly RmsNorm _norm;
    [ComponentName(Name = "rotary_emb")]
    private readonly RotaryEmbedding _rotary;

    public DecoderStack(ModelConfig config, Device device, ScalarType dtype) : base(nameof(DecoderStack))
    {
        _embedding = new TokenEmbedding(config.VocabSize, config.HiddenSize, device, dtype);
        _layers = new ModuleList<DecoderLayer>();
        for (int i = 0; i < config.NumHiddenLayers; i++) _layers.Add(new DecoderLayer(config, i, device, dtype));
        _norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        _rotary = new RotaryEmbedding(config, device);
        register_module("embed_tokens", _embedding);
        register_module("layers", _layers);
        register_module("norm", _norm);
        register_module("rotary_emb", _rotary);
        RegisterComponents();
    }

    public TokenEmbedding Embedding => _embedding;

    public RotaryEmbedding Rotary => _rotary;

    /// <summary>The sparse MoE blocks, in layer order (empty for dense models).</summary>
    public IReadOnlyList<SparseMoeBlock> SparseBlocks => _layers.Select(l => l.SparseBlock).OfType<SparseMoeBlock>().ToList();

    /// <summary>The DeepSeek-V3 sparse blocks, in layer order (empty for other models).</summary>
    public IReadOnlyList<DeepseekMoeBlock> DeepseekBlocks => _layers.Select(l => l.DeepseekBlock).OfType<DeepseekMoeBlock>().ToList();

    /// <summary>Recompute each layer in backward (see <see cref="CausalLanguageModel.GradientCheckpointing"/>).</summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>
    /// Token ids [B, T] -> final normed hidden states [B, T, hidden]. <paramref name="segments"/>: the packed runs the
    /// batch's mask is the block-diagonal causal mask of, when known (<see cref="PackedSegments.Match"/>); self-attention
    /// then attends inside them and ignores <paramref name="mask"/>, which only latent attention still needs.
    /// </summary>
    public Tensor Forward(Tensor inputIds, Tensor positions, Tensor? mask, bool causal, KvCache? cache, PackedSegments? segments = null)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = _embedding.forward(inputIds);
        var (cos, sin) = _rotary.Tables(positions, hidden.dtype);
        var inputs = new AttentionInputs(cos, sin, mask, causal, cache is null ? segments : null);
        bool recompute = GradientCheckpointing && cache is null && torch.is_grad_enabled();
        if (recompute && !hidden.requires_grad) hidden = hidden.detach().requires_grad_(true); // frozen embeddings: the layers still need a backward
        for (int i = 0; i < _layers.Count; i++)
        {
            var layer = _layers[i];
            if (!recompute) hidden = layer.Forward(hidden, inputs, cache, i);
            else if (layer.SparseBlock is { CollectRouterLogits: true } sparse)
            {
                // The router logits leave the checkpointed layer as a second output, so the load-balancing loss reaches the router.
                (hidden, var routerLogits) = CheckpointedLayer.ApplyWithRouterLogits(layer, hidden, inputs);
                sparse.KeepRouterLogits(routerLogits);
            }
            else hidden = CheckpointedLayer.Apply(layer, hidden, inputs);
        }
        return _norm.forward(hidden).MoveToOuterDisposeScope();
    }
}
