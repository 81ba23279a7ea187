namespace R1Sharp.Models;

/// <summary>
/// YaRN's inverse frequencies as DeepSeek-V3 computes them (<c>DeepseekV3YarnRotaryEmbedding</c>) and ggml's
/// <c>rope_yarn</c> reproduces: dimension pairs that turn more than <c>beta_fast</c> times over the original context
/// keep their frequency, those turning fewer than <c>beta_slow</c> times are divided by <c>factor</c>, and a linear
/// ramp over the pair index blends the two between. Pair index of a rotation count r:
/// d(r) = dim · ln(original / (2π r)) / (2 ln θ); low = ⌊d(beta_fast)⌋, high = ⌈d(beta_slow)⌉, clamped to [0, dim − 1].
/// </summary>
internal static class YarnFrequencies
{
    /// <summary>Rewrites the plain inverse frequencies <paramref name="inverse"/> (one per pair) in place.</summary>
    public static void Rescale(float[] inverse, int dim, double theta, RopeScaling yarn)
    {
        double low = Math.Max(Math.Floor(CorrectionDim(yarn.BetaFast, dim, theta, yarn.OriginalMaxPositionEmbeddings)), 0);
        double high = Math.Min(Math.Ceiling(CorrectionDim(yarn.BetaSlow, dim, theta, yarn.OriginalMaxPositionEmbeddings)), dim - 1);
        if (low == high) high += 0.001; // transformers' yarn_linear_ramp_mask: avoid a zero-width ramp
        for (int i = 0; i < inverse.Length; i++)
        {
            double ramp = Math.Clamp((i - low) / (high - low), 0, 1); // 0: keep (extrapolate), 1: divide (interpolate)
            double extrapolated = inverse[i];
            double interpolated = extrapolated / yarn.Factor;
            inverse[i] = (float)(interpolated * ramp + extrapolated * (1 - ramp));
        }
    }

    private static double CorrectionDim(double rotations, int dim, double theta, int originalMax) =>
        dim * Math.Log(originalMax / (rotations * 2 * Math.PI)) / (2 * Math.Log(theta));
}
