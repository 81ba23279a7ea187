using TorchSharp;

namespace R1Sharp.Training.Grpo;

/// <summary>The loss to back-propagate plus the per-token statistics TRL logs, already copied out as numbers.</summary>
/// <param name="Loss">Scalar loss tensor (with grad) to call <c>backward()</c> on.</param>
/// <param name="Kl">Mean KL estimate to the reference over completion tokens (0 when β = 0 or no reference).</param>
/// <param name="ClipLowMean">Share of tokens whose ratio was clipped from below with a negative advantage.</param>
/// <param name="ClipHighMean">Share of tokens whose ratio was clipped from above with a positive advantage.</param>
/// <param name="ClipRegionMean">Share of tokens clipped on either side.</param>
/// <param name="TokenCount">Completion tokens that entered the loss.</param>
public sealed record PolicyLossResult(
    torch.Tensor Loss,
    double Kl,
    double ClipLowMean,
    double ClipHighMean,
    double ClipRegionMean,
    long TokenCount)
{
    /// <summary>Further shares of tokens, by metric name (<c>cispo_clip_ratio</c>, <c>clip_ratio/delta_mean</c>), as means over the completion tokens.</summary>
    public IReadOnlyDictionary<string, double> TokenMeans { get; init; } = new Dictionary<string, double>();

    /// <summary>GSPO's sequence ratio of each completion with tokens in the loss (empty at token level).</summary>
    public IReadOnlyList<double> SequenceRatios { get; init; } = [];
}
