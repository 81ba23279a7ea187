namespace R1Sharp.Models;

/// <summary>
/// The <c>rope_scaling</c> block of a Hugging Face config.json. Two rules are implemented: <c>llama3</c> (Llama 3.1/3.2
/// and DeepSeek-R1-Distill-Llama) and DeepSeek-V3's <c>yarn</c>; <see cref="ModelConfig.Parse"/> rejects any other
/// type by name rather than silently running with the wrong frequencies.
/// </summary>
/// <param name="RopeType">The <c>rope_type</c> (or legacy <c>type</c>) value: <see cref="Llama3"/> or <see cref="Yarn"/>.</param>
/// <param name="Factor">How much the context was extended (<c>factor</c>; 8 for Llama 3.1, 40 for DeepSeek-V3).</param>
/// <param name="LowFreqFactor"><c>low_freq_factor</c> (Llama 3: 1; unused by YaRN).</param>
/// <param name="HighFreqFactor"><c>high_freq_factor</c> (Llama 3: 4; unused by YaRN).</param>
/// <param name="OriginalMaxPositionEmbeddings"><c>original_max_position_embeddings</c> (Llama 3: 8192, DeepSeek-V3: 4096).</param>
public sealed record RopeScaling(
    string RopeType,
    double Factor,
    double LowFreqFactor,
    double HighFreqFactor,
    int OriginalMaxPositionEmbeddings)
{
    /// <summary>The rope type string of the Llama 3 frequency rule.</summary>
    public const string Llama3 = "llama3";

    /// <summary>The rope type string of YaRN as DeepSeek-V3 applies it (<c>DeepseekV3YarnRotaryEmbedding</c>).</summary>
    public const string Yarn = "yarn";

    /// <summary>YaRN <c>beta_fast</c>: rotations above which a frequency is kept (32).</summary>
    public double BetaFast { get; init; } = 32;

    /// <summary>YaRN <c>beta_slow</c>: rotations below which a frequency is divided by the factor (1).</summary>
    public double BetaSlow { get; init; } = 1;

    /// <summary>YaRN <c>mscale</c> (default 1): with <see cref="MscaleAllDim"/>, cos/sin are scaled by m(mscale) / m(mscale_all_dim).</summary>
    public double Mscale { get; init; } = 1;

    /// <summary>YaRN <c>mscale_all_dim</c> (default 0): the softmax scale is multiplied by m(mscale_all_dim)².</summary>
    public double MscaleAllDim { get; init; }

    /// <summary>YaRN's magnitude correction m(x) = 0.1 · x · ln(factor) + 1 (1 when factor ≤ 1).</summary>
    public double YarnMagnitude(double x) => Factor <= 1 ? 1 : 0.1 * x * Math.Log(Factor) + 1;

    /// <summary>What the softmax scale 1/√d is multiplied by: m(mscale_all_dim)² for YaRN, 1 otherwise.</summary>
    public double AttentionScaleCorrection => RopeType == Yarn ? Math.Pow(YarnMagnitude(MscaleAllDim), 2) : 1;

    /// <summary>What cos and sin are multiplied by: m(mscale) / m(mscale_all_dim) for YaRN (1 for DeepSeek-V3), 1 otherwise.</summary>
    public double RotaryMagnitude => RopeType == Yarn ? YarnMagnitude(Mscale) / YarnMagnitude(MscaleAllDim) : 1;
}
