using R1Sharp.TorchInterop;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Models.Lora;

/// <summary>
/// One low-rank update of a linear layer: y += scaling · B(A(dropout(x))), A [r, in], B [out, r], both float32
/// (PEFT's <c>autocast_adapter_dtype</c>: the input is cast to float32 and the update back to the layer's dtype).
/// Not an nn.Module on purpose: the base model's state_dict, and so its checkpoints, stay exactly the base's.
/// </summary>
internal sealed class LoraAdapter : IDisposable
{
    public LoraAdapter(Parameter a, Parameter b, double scaling, double dropout, LoraSwitch enabled)
    {
        A = a;
        B = b;
        Scaling = scaling;
        Dropout = dropout;
        Switch = enabled;
    }

    /// <summary>lora_A.weight [r, in].</summary>
    public Parameter A { get; }

    /// <summary>lora_B.weight [out, r].</summary>
    public Parameter B { get; }

    public double Scaling { get; }

    public double Dropout { get; }

    /// <summary>Shared by every adapter of one model: off means the base model's outputs.</summary>
    public LoraSwitch Switch { get; }

    /// <summary>The update for input <paramref name="x"/> [..., in] -> [..., out] in x's dtype.</summary>
    public Tensor Update(Tensor x, bool training)
    {
        using var scope = torch.NewDisposeScope();
        var input = x.dtype == A.dtype ? x : x.to(A.dtype);
        if (training && Dropout > 0) input = nn.functional.dropout(input, Dropout, training: true);
        var update = nn.functional.linear(nn.functional.linear(input, A), B).Times(Scaling);
        if (update.dtype != x.dtype) update = update.to(x.dtype);
        return update.MoveToOuterDisposeScope();
    }

    /// <summary>scaling · B·A [out, in] in float32 (what merging adds to the weight).</summary>
    public Tensor Delta()
    {
        using var noGrad = torch.no_grad();
        using var scaling = Scaling.ToScalar();
        return B.matmul(A).mul_(scaling);
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
