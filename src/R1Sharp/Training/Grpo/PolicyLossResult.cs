using TorchSharp;

namespace R1Sharp.Training.Grpo;

/// <summary>The loss to back-propagate plus the per-token statistics TRL logs, already copied out as numbers.</summary>
/// <param name="Loss">Scalar loss tensor (with grad) to call <c>backward()</c> on.</param>
/// <param name="Kl">Mean k3 KL to the reference over completion tokens (0 when β = 0 or no reference).</param>
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
    long TokenCount);
