using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// Grouped-query self-attention with RoPE (<c>self_attn</c>: q_proj, k_proj, v_proj, o_proj; Qwen3 adds q_norm and
/// k_norm, an RMSNorm over each head's head_dim applied to queries and keys before RoPE). With an explicit mask
/// the query heads of each group are folded into the query-length axis so that the cached keys/values are used as
/// they are, without repeating them per query head (the repeat would copy the whole cache every decode step). Only
/// the mask-free causal pass (training, prefill from position 0) repeats K/V, to use the fused causal kernel. Packed
/// training rows whose runs the caller matched against the mask (<see cref="AttentionInputs.Segments"/>) attend only
/// inside each run (<see cref="SegmentAttention"/>).
/// </summary>
internal sealed class SelfAttention : nn.Module
{
    [ComponentName(Name = "q_proj")]
    private readonly LinearProjection _q;
    [ComponentName(Name = "k_proj")]
    private readonly LinearProjection _k;
    [ComponentName(Name = "v_proj")]
    private readonly LinearProjection _v;
    [ComponentName(Name = "o_proj")]
    private readonly LinearProjection _o;
    [ComponentName(Name = "q_norm")]
    private readonly RmsNorm? _qNorm;
    [ComponentName(Name = "k_norm")]
    private readonly RmsNorm? _kNorm;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;

    public SelfAttention(ModelConfig config, Device device, ScalarType dtype) : base(nameof(SelfAttention))
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.NumKeyValueHeads;
        _headDim = config.HeadDim;
        _q = new LinearProjection(config.HiddenSize, _heads * _headDim, config.HasQkvBias, device, dtype);
        _k = new LinearProjection(config.HiddenSize, _kvHeads * _headDim, config.HasQkvBias, device, dtype);
        _v = new LinearProjection(config.HiddenSize, _kvHeads * _headDim, config.HasQkvBias, device, dtype);
        _o = new LinearProjection(_heads * _headDim, config.HiddenSize, config.HasOutputProjectionBias, device, dtype);
        register_module("q_proj", _q);
        register_module("k_proj", _k);
        register_module("v_proj", _v);
        register_module("o_proj", _o);
        if (config.HasQkNorm)
        {
            _qNorm = new RmsNorm(_headDim, config.RmsNormEps, device, dtype);
            _kNorm = new RmsNorm(_headDim, config.RmsNormEps, device, dtype);
            register_module("q_norm", _qNorm);
            register_module("k_norm", _kNorm);
        }
        RegisterComponents();
    }

    /// <summary>
    /// x [B, T, hidden] -> [B, T, hidden]; writes this step's keys/values into <paramref name="cache"/> when given.
    /// <paramref name="decodeStep"/>: the caller's <see cref="DecodesWithKernels"/> for this step, when it asked already.
    /// </summary>
    public Tensor Forward(Tensor x, AttentionInputs inputs, KvCache? cache, int layer, bool? decodeStep = null)
    {
        using var scope = torch.NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        if (decodeStep ?? DecodesWithKernels(x, cache)) return DecodeStep(x, inputs, cache!, layer).MoveToOuterDisposeScope();
        var q = _q.forward(x).view(b, t, _heads, _headDim);
        var k = _k.forward(x).view(b, t, _kvHeads, _headDim);
        if (_qNorm is not null) q = _qNorm.forward(q);
        if (_kNorm is not null) k = _kNorm.forward(k);
        q = q.transpose(1, 2);
        k = k.transpose(1, 2);
        var v = _v.forward(x).view(b, t, _kvHeads, _headDim).transpose(1, 2);
        q = RotaryEmbedding.Apply(q, inputs.Cos, inputs.Sin);
        k = RotaryEmbedding.Apply(k, inputs.Cos, inputs.Sin);
        if (cache is not null) (k, v) = cache.Write(layer, k, v);

        int group = _heads / _kvHeads;
        Tensor output;
        if (inputs.Segments is not null && cache is null)
            output = SegmentAttention.Forward(q, k, v, inputs.Segments);
        else if (inputs.Mask is null && inputs.Causal)
        {
            if (group > 1)
            {
                k = k.repeat_interleave(group, dim: 1);
                v = v.repeat_interleave(group, dim: 1);
            }
            output = Attend(q, k, v, null, inputs.Causal);
        }
        else
        {
            // Head h = g * group + r uses kv head g: fold r into the query axis -> [B, kvHeads, group * T, D].
            // Also taken without a mask for a single decode token (it may see every cached key).
            var folded = q.reshape(b, _kvHeads, group * t, _headDim);
            var o = Attend(folded, k, v, inputs.Mask, causal: false);
            output = o.reshape(b, _heads, t, _headDim);
        }
        var merged = output.transpose(1, 2).reshape(b, t, _heads * _headDim);
        return _o.forward(merged).MoveToOuterDisposeScope();
    }

    /// <summary>Whether this step (x [B, T, hidden]) is a decode step that <see cref="DecodeAttention"/> takes.</summary>
    public bool DecodesWithKernels(Tensor x, KvCache? cache) => DecodeAttention.Takes(x, _q.Weight, cache, _headDim);

    // One new token per row while decoding: q, k and v in one pass of the small-batch kernel, then rotary, cache
    // and attention in one pass of DecodeAttention (the per-call cost of the generic path's small ops dominated).
    private Tensor DecodeStep(Tensor x, AttentionInputs inputs, KvCache cache, int layer)
    {
        var qkv = LinearProjection.Fused(x, _q, _k, _v);
        var (q, k) = (qkv[0], qkv[1]);
        if (_qNorm is not null) q = _qNorm.forward(q.view(x.shape[0], 1, _heads, _headDim));
        if (_kNorm is not null) k = _kNorm.forward(k.view(x.shape[0], 1, _kvHeads, _headDim));
        var attended = DecodeAttention.Forward(q, k, qkv[2], inputs, cache, layer, _heads, _kvHeads, _headDim);
        return _o.forward(attended);
    }

    /// <summary>
    /// Scaled dot-product attention. bf16 on the CPU with gradients on (training, mixed precision) runs it in float32
    /// and rounds the output back (issue 18): libtorch's CPU bf16 attention forward + backward took about twice its
    /// float32 kernel's CPU time at head dims 32 and 64 (23.7 vs 12.0 ms at r1 zero's base model's shape, 94 vs 54 ms
    /// per layer at the ~20M model's), and the widening costs little; it also keeps the softmax in float32, as autocast
    /// does. Inference (no gradients: decoding, frozen log-probs) keeps the bf16 kernel, which is not the slow part there.
    /// </summary>
    private static Tensor Attend(Tensor q, Tensor k, Tensor v, Tensor? mask, bool causal)
    {
        if (q.dtype != ScalarType.BFloat16 || q.device.type != DeviceType.CPU || !torch.is_grad_enabled())
            return mask is null ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: causal) : nn.functional.scaled_dot_product_attention(q, k, v, mask);
        using var scope = torch.NewDisposeScope();
        var (q32, k32, v32) = (q.to(ScalarType.Float32), k.to(ScalarType.Float32), v.to(ScalarType.Float32));
        var output = mask is null ? nn.functional.scaled_dot_product_attention(q32, k32, v32, is_casual: causal) : nn.functional.scaled_dot_product_attention(q32, k32, v32, mask);
        return output.to(ScalarType.BFloat16).MoveToOuterDisposeScope();
    }
}
