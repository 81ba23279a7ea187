using R1Sharp.TorchInterop;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// One pre-norm transformer block (<c>model.layers.N</c>): x + attn(norm(x)), then + mlp(norm(x)), where attn is
/// <see cref="SelfAttention"/> or DeepSeek-V3's <see cref="LatentAttention"/>, and mlp is the dense SwiGLU MLP or, in a
/// sparse layer of a MoE model, a <see cref="SparseMoeBlock"/> (Qwen3-MoE) or <see cref="DeepseekMoeBlock"/>.
/// </summary>
internal sealed class DecoderLayer : nn.Module
{
    [ComponentName(Name = "input_layernorm")]
    private readonly RmsNorm _inputNorm;
    [ComponentName(Name = "self_attn")]
    private readonly nn.Module _attention;
    [ComponentName(Name = "post_attention_layernorm")]
    private readonly RmsNorm _postAttentionNorm;
    [ComponentName(Name = "mlp")]
    private readonly nn.Module<Tensor, Tensor> _mlp;

    public DecoderLayer(ModelConfig config, int layer, Device device, ScalarType dtype) : base(nameof(DecoderLayer))
    {
        _inputNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        _attention = config.LatentAttention is not null ? new LatentAttention(config, device, dtype) : new SelfAttention(config, device, dtype);
        _postAttentionNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        _mlp = config.Moe is { } moe && moe.IsSparse(layer) ? new SparseMoeBlock(config, device, dtype)
            : config.DeepseekMoe is { } deepseek && deepseek.IsSparse(layer) ? new DeepseekMoeBlock(config, device, dtype)
            : new SwiGluFeedForward(config, device, dtype);
        register_module("self_attn", _attention);
        register_module("mlp", _mlp);
        register_module("input_layernorm", _inputNorm);
        register_module("post_attention_layernorm", _postAttentionNorm);
        RegisterComponents();
    }

    /// <summary>The sparse block of this layer, or null when its MLP is dense.</summary>
    public SparseMoeBlock? SparseBlock => _mlp as SparseMoeBlock;

    /// <summary>The DeepSeek-V3 sparse block of this layer, or null.</summary>
    public DeepseekMoeBlock? DeepseekBlock => _mlp as DeepseekMoeBlock;

    public Tensor Forward(Tensor x, AttentionInputs inputs, KvCache? cache, int layer)
    {
        using var scope = torch.NewDisposeScope();
        // A decode step that the small-batch kernels take (one new token per row): the norms in one pass each too.
        bool decodeRows = _attention is SelfAttention self && self.DecodesWithKernels(x, cache);
        var normed = decodeRows ? _inputNorm.ForwardDecodeRows(x) : _inputNorm.forward(x);
        var h = x.Plus(_attention is LatentAttention latent ? latent.Forward(normed, inputs, cache, layer) : ((SelfAttention)_attention).Forward(normed, inputs, cache, layer, decodeRows));
        var output = h.Plus(_mlp.forward(decodeRows ? _postAttentionNorm.ForwardDecodeRows(h) : _postAttentionNorm.forward(h)));
        return output.MoveToOuterDisposeScope();
    }
}
