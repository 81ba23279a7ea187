using R1Sharp.TorchInterop;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// Rotary position embedding (RoPE) in the rotate-half ("NEOX") layout transformers uses for Qwen2 and Llama, with
/// the Llama 3 frequency rule when the config has <c>rope_scaling.rope_type = "llama3"</c> and DeepSeek-V3's YaRN rule
/// (<see cref="YarnFrequencies"/>, cos/sin times <see cref="RopeScaling.RotaryMagnitude"/>) for <c>"yarn"</c>. Its width is
/// <see cref="ModelConfig.RotaryDim"/> (head_dim, or MLA's qk_rope_head_dim). The inverse
/// frequencies are a non-persistent buffer: they move with the module but are never written to a checkpoint.
/// </summary>
public sealed class RotaryEmbedding : nn.Module
{
    [ComponentName(Name = "inv_freq")]
    private readonly Tensor _inverseFrequencies;
    private readonly double _magnitude;

    /// <summary>Builds the table for <paramref name="config"/> on <paramref name="device"/>.</summary>
    public RotaryEmbedding(ModelConfig config, Device device) : base(nameof(RotaryEmbedding))
    {
        ArgumentNullException.ThrowIfNull(config);
        _magnitude = config.RopeScaling?.RotaryMagnitude ?? 1;
        _inverseFrequencies = torch.tensor(InverseFrequencies(config), ScalarType.Float32, device);
        register_buffer("inv_freq", _inverseFrequencies, persistent: false);
        RegisterComponents();
    }

    /// <summary>
    /// inv_freq[i] = 1 / theta^(2i / head_dim), computed in float32 as transformers does, then rescaled by the
    /// Llama 3 rule when configured: wavelengths longer than original_max / low_freq_factor are divided by
    /// <c>factor</c>, shorter than original_max / high_freq_factor are kept, and those between are interpolated
    /// with smooth = (original_max / wavelength - low) / (high - low).
    /// </summary>
    public static float[] InverseFrequencies(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int dim = config.RotaryDim;
        int half = dim / 2;
        var result = new float[half];
        for (int i = 0; i < half; i++)
        {
            // transformers: base ** (arange(0, dim, 2).float() / dim) in float32, then 1.0 / that in float32.
            float exponent = (float)(2 * i) / dim;
            float power = MathF.Pow((float)config.RopeTheta, exponent);
            result[i] = 1f / power;
        }
        if (config.RopeScaling is { RopeType: RopeScaling.Llama3 } s)
        {
            double lowWavelength = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
            double highWavelength = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
            for (int i = 0; i < half; i++)
            {
                float f = result[i];
                double wavelength = 2 * Math.PI / f;
                if (wavelength > lowWavelength) result[i] = (float)(f / s.Factor);
                else if (wavelength >= highWavelength)
                {
                    double smooth = (s.OriginalMaxPositionEmbeddings / wavelength - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
                    result[i] = (float)((1 - smooth) * f / s.Factor + smooth * f);
                }
            }
        }
        if (config.RopeScaling is { RopeType: RopeScaling.Yarn } yarn) YarnFrequencies.Rescale(result, dim, config.RopeTheta, yarn);
        return result;
    }

    /// <summary>Keeps the table in float32 when the model is converted: bf16 frequencies would garble positions.</summary>
    protected override nn.Module _to(ScalarType dtype, bool non_blocking) => this;

    /// <summary>Moves the table to <paramref name="device"/> but keeps it in float32.</summary>
    protected override nn.Module _to(Device device, ScalarType dtype, bool non_blocking) => base._to(device, ScalarType.Float32, non_blocking);

    /// <summary>The inverse-frequency buffer (float32, [head_dim / 2]).</summary>
    public Tensor InverseFrequencyTable => _inverseFrequencies;

    /// <summary>cos and sin tables [B, T, head_dim] for integer positions [B, T], in <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) Tables(Tensor positions, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(positions);
        using var scope = torch.NewDisposeScope();
        // Angles in float32 whatever the model dtype: bf16 cannot represent position x frequency precisely.
        var inv = _inverseFrequencies.dtype == ScalarType.Float32 ? _inverseFrequencies : _inverseFrequencies.to(ScalarType.Float32);
        var angles = positions.to(ScalarType.Float32).unsqueeze(-1) * inv;
        var both = torch.cat([angles, angles], -1);
        var cos = both.cos();
        var sin = both.sin();
        if (_magnitude != 1)
        {
            cos = cos.Times(_magnitude);
            sin = sin.Times(_magnitude);
        }
        cos = cos.to(dtype);
        sin = sin.to(dtype);
        return (cos.MoveToOuterDisposeScope(), sin.MoveToOuterDisposeScope());
    }

    /// <summary>Rotates x [B, heads, T, head_dim] by the tables from <see cref="Tables"/>.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = torch.NewDisposeScope();
        long half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        var rotated = torch.cat([-x2, x1], -1);
        var c = cos.unsqueeze(1);
        var s = sin.unsqueeze(1);
        return (x * c).Plus(rotated * s).MoveToOuterDisposeScope();
    }
}
