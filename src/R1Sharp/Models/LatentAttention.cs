using R1Sharp.TorchInterop;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// DeepSeek-V3's multi-head latent attention (<c>self_attn</c>: q_a_proj, q_a_layernorm, q_b_proj or q_proj;
/// kv_a_proj_with_mqa, kv_a_layernorm, kv_b_proj; o_proj). Each token is compressed to a normed latent c
/// [kv_lora_rank] and one rotary key part k_pe [qk_rope_head_dim] shared by all heads; per head, k_nope and v are
/// rebuilt from c by kv_b_proj. Queries and keys are [nope | rope] with RoPE on the rope part only: HF stores it
/// as interleaved pairs (as llama.cpp's deepseek2 rotates it), de-interleaved here before the rotate-half RoPE, a
/// permutation applied to queries and keys alike, so every score is unchanged. Softmax scale 1/√qk_head_dim times
/// YaRN's m(mscale_all_dim)².
/// Two equal ways to compute it: without a KV cache (training, scoring) k_nope and v are expanded per head and the
/// fused kernel runs over [heads, T]; with a cache only (c, k_pe) is stored, and attention runs on the latent as
/// multi-query attention (llama.cpp's form): kv_b's key half is absorbed into each query head (q_nope · W_kᵀ), the
/// latent is attended to, and kv_b's value half is applied after, so nothing per head is ever built for the cache.
/// </summary>
internal sealed class LatentAttention : nn.Module
{
    [ComponentName(Name = "q_proj")]
    private readonly LinearProjection? _q;
    [ComponentName(Name = "q_a_proj")]
    private readonly LinearProjection? _qA;
    [ComponentName(Name = "q_a_layernorm")]
    private readonly RmsNorm? _qANorm;
    [ComponentName(Name = "q_b_proj")]
    private readonly LinearProjection? _qB;
    [ComponentName(Name = "kv_a_proj_with_mqa")]
    private readonly LinearProjection _kvA;
    [ComponentName(Name = "kv_a_layernorm")]
    private readonly RmsNorm _kvANorm;
    [ComponentName(Name = "kv_b_proj")]
    private readonly LinearProjection _kvB;
    [ComponentName(Name = "o_proj")]
    private readonly LinearProjection _o;
    private readonly int _heads;
    private readonly LatentAttentionSettings _mla;
    private readonly double _scale;

    public LatentAttention(ModelConfig config, Device device, ScalarType dtype) : base(nameof(LatentAttention))
    {
        _mla = config.LatentAttention ?? throw new ArgumentException("latent attention needs the config's MLA settings", nameof(config));
        _heads = config.NumAttentionHeads;
        _scale = (config.RopeScaling?.AttentionScaleCorrection ?? 1) / Math.Sqrt(_mla.QkHeadDim);
        int hidden = config.HiddenSize;
        if (_mla.QLoraRank is int rank)
        {
            _qA = new LinearProjection(hidden, rank, config.AttentionBias, device, dtype);
            _qANorm = new RmsNorm(rank, config.RmsNormEps, device, dtype);
            _qB = new LinearProjection(rank, _heads * _mla.QkHeadDim, false, device, dtype);
            register_module("q_a_proj", _qA);
            register_module("q_a_layernorm", _qANorm);
            register_module("q_b_proj", _qB);
        }
        else
        {
            _q = new LinearProjection(hidden, _heads * _mla.QkHeadDim, false, device, dtype);
            register_module("q_proj", _q);
        }
        _kvA = new LinearProjection(hidden, _mla.KvLoraRank + _mla.QkRopeHeadDim, config.AttentionBias, device, dtype);
        _kvANorm = new RmsNorm(_mla.KvLoraRank, config.RmsNormEps, device, dtype);
        _kvB = new LinearProjection(_mla.KvLoraRank, _heads * (_mla.QkNopeHeadDim + _mla.VHeadDim), false, device, dtype);
        _o = new LinearProjection(_heads * _mla.VHeadDim, hidden, config.AttentionBias, device, dtype);
        register_module("kv_a_proj_with_mqa", _kvA);
        register_module("kv_a_layernorm", _kvANorm);
        register_module("kv_b_proj", _kvB);
        register_module("o_proj", _o);
        RegisterComponents();
    }

    /// <summary>x [B, T, hidden] -> [B, T, hidden]; writes this step's latent and rotary key into <paramref name="cache"/> when given.</summary>
    public Tensor Forward(Tensor x, AttentionInputs inputs, KvCache? cache, int layer)
    {
        using var scope = torch.NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        int nope = _mla.QkNopeHeadDim, rope = _mla.QkRopeHeadDim, rank = _mla.KvLoraRank;
        var queries = _qA is not null ? _qB!.forward(_qANorm!.forward(_qA.forward(x))) : _q!.forward(x);
        var q = queries.view(b, t, _heads, _mla.QkHeadDim).transpose(1, 2);
        var qNope = q.narrow(-1, 0, nope);
        var qPe = RotaryEmbedding.Apply(Deinterleave(q.narrow(-1, nope, rope)), inputs.Cos, inputs.Sin);
        var compressed = _kvA.forward(x);
        var latent = _kvANorm.forward(compressed.narrow(-1, 0, rank)).unsqueeze(1);                       // [B, 1, T, rank]
        var kPe = RotaryEmbedding.Apply(Deinterleave(compressed.narrow(-1, rank, rope).unsqueeze(1)), inputs.Cos, inputs.Sin); // [B, 1, T, rope]
        bool adapted = _kvB.Adapter is { Switch.Enabled: true };
        if (cache is not null) (latent, kPe) = cache.Write(layer, latent, kPe);
        var output = cache is not null && !adapted
            ? AttendToLatent(qNope, qPe, latent, kPe, inputs, b, t)
            : AttendPerHead(qNope, qPe, latent, kPe, inputs, b, t);
        var merged = output.transpose(1, 2).reshape(b, t, _heads * _mla.VHeadDim);
        return _o.forward(merged).MoveToOuterDisposeScope();
    }

    // [.., 2i] and [.., 2i + 1] -> [.., i] and [.., rope / 2 + i]: HF's view(.., d / 2, 2).transpose(-1, -2).
    private static Tensor Deinterleave(Tensor x)
    {
        long[] shape = x.shape;
        long d = shape[^1];
        return x.reshape([.. shape[..^1], d / 2, 2]).transpose(-1, -2).reshape(shape);
    }

    // Keys and values expanded per head: [B, H, L, nope + rope] and [B, H, L, v].
    private Tensor AttendPerHead(Tensor qNope, Tensor qPe, Tensor latent, Tensor kPe, AttentionInputs inputs, long b, long t)
    {
        long length = latent.shape[2];
        int nope = _mla.QkNopeHeadDim;
        var kv = _kvB.forward(latent.squeeze(1)).view(b, length, _heads, nope + _mla.VHeadDim).transpose(1, 2);
        var keys = torch.cat([kv.narrow(-1, 0, nope), kPe.expand(b, _heads, length, _mla.QkRopeHeadDim)], -1);
        var values = kv.narrow(-1, nope, _mla.VHeadDim);
        // The fused kernel scales by 1/√(query width); pre-scaling the queries gives YaRN's corrected scale.
        var queries = torch.cat([qNope, qPe], -1).Times(_scale * Math.Sqrt(_mla.QkHeadDim));
        if (inputs.Mask is null)
            return nn.functional.scaled_dot_product_attention(queries, keys, values, is_casual: inputs.Causal);
        // The mask is folded for the latent form, [B, 1, H x T, L] with head-major rows: unfold it per head.
        var mask = inputs.Mask.reshape(b, _heads, t, length);
        return nn.functional.scaled_dot_product_attention(queries, keys, values, mask);
    }

    // Multi-query attention over the latent: scores = (q_nope W_k) · c + q_pe · k_pe, output = (softmax · c) W_vᵀ.
    private Tensor AttendToLatent(Tensor qNope, Tensor qPe, Tensor latent, Tensor kPe, AttentionInputs inputs, long b, long t)
    {
        long length = latent.shape[2];
        int nope = _mla.QkNopeHeadDim, rank = _mla.KvLoraRank;
        var w = _kvB.Weight.view(_heads, nope + _mla.VHeadDim, rank);
        var wKey = w.narrow(1, 0, nope);                                  // [H, nope, rank]
        var wValue = w.narrow(1, nope, _mla.VHeadDim);                    // [H, v, rank]
        var absorbed = qNope.matmul(wKey);                                // [B, H, T, rank]
        long width = rank + _mla.QkRopeHeadDim;
        var queries = torch.cat([absorbed, qPe], -1).Times(_scale * Math.Sqrt(width)).reshape(b, 1, _heads * t, width);
        var keys = torch.cat([latent, kPe], -1);                          // [B, 1, L, rank + rope]
        var mask = inputs.Mask;
        if (mask is null && inputs.Causal)
            mask = AttentionMasks.Build(torch.ones([b, length], ScalarType.Bool, latent.device), length - t, t, _heads);
        var attended = nn.functional.scaled_dot_product_attention(queries, keys, latent, mask);   // [B, 1, H x T, rank]
        return attended.reshape(b, _heads, t, rank).matmul(wValue.transpose(1, 2));             // [B, H, T, v]
    }
}
