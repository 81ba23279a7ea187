using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>Token id -> vector lookup with its matrix named <c>weight</c> (transformers' <c>embed_tokens.weight</c>).</summary>
internal sealed class TokenEmbedding : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;

    public TokenEmbedding(long vocabSize, long width, Device device, ScalarType dtype) : base(nameof(TokenEmbedding))
    {
        _weight = new Parameter(torch.empty([vocabSize, width], dtype, device));
        register_parameter("weight", _weight);
        RegisterComponents();
    }

    public Parameter Weight => _weight;

    public override Tensor forward(Tensor ids)
    {
        // Trained, through TokenEmbeddingFunction: its backward can add into .grad (ParameterGradientSink).
        var flat = _weight.requires_grad && is_grad_enabled()
            ? TokenEmbeddingFunction.apply(_weight, ids.reshape(-1))
            : _weight.index_select(0, ids.reshape(-1));
        long[] shape = [.. ids.shape, _weight.shape[1]];
        return flat.view(shape);
    }
}
