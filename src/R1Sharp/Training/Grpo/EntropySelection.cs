using R1Sharp.Models;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// <c>top_entropy_quantile</c> over a whole step: one no-grad pass of the policy before the update gives each completion
/// token's entropy (π_old's, at the sampling temperature); the threshold is the (1 − ρ)-quantile over every loss token
/// of the step (<see cref="EntropyMask"/>), so how the step is cut into micro-batches does not change which tokens are
/// kept (TRL takes it per device batch). The masks then hold for all <c>num_iterations</c> passes.
/// </summary>
public sealed class EntropySelection : IDisposable
{
    private EntropySelection(Tensor[] masks, long keptTokens, double keptMeanEntropy, double threshold)
    {
        Masks = masks;
        KeptTokens = keptTokens;
        KeptMeanEntropy = keptMeanEntropy;
        Threshold = threshold;
    }

    /// <summary>Per micro-batch, [b, C] float: 1 for the loss tokens kept in the policy term.</summary>
    public IReadOnlyList<Tensor> Masks { get; }

    /// <summary>Loss tokens kept in the whole step.</summary>
    public long KeptTokens { get; }

    /// <summary>Mean entropy of the kept tokens (nats, at the sampling temperature).</summary>
    public double KeptMeanEntropy { get; }

    /// <summary>The entropy threshold of the step.</summary>
    public double Threshold { get; }

    /// <summary>Runs the no-grad entropy pass and selects the top-<paramref name="quantile"/> tokens of the step.</summary>
    /// <param name="logProbsOf">The step's log-prob path (temperature, chunking).</param>
    /// <param name="policy">The policy before the update.</param>
    /// <param name="rows">The step's rows.</param>
    /// <param name="microBatches">Its micro-batches.</param>
    /// <param name="maskTruncated">Whether truncated completions are out of the loss (they are then out of the quantile too, as TRL).</param>
    /// <param name="quantile">ρ in [0, 1].</param>
    public static EntropySelection Compute(CompletionLogProbs logProbsOf, CausalLanguageModel policy, TrainingRows rows,
        IReadOnlyList<MicroBatch> microBatches, bool maskTruncated, double quantile)
    {
        ArgumentNullException.ThrowIfNull(logProbsOf);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(microBatches);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var entropies = new List<Tensor>();
        var lossMasks = new List<Tensor>();
        foreach (var micro in microBatches)
        {
            var (input, mask, targets) = rows.Slice(micro, policy.Device);
            var (_, entropy) = logProbsOf.Compute(policy, input, mask, targets, withEntropy: true);
            entropies.Add(entropy!.to(CPU));
            lossMasks.Add(rows.CompletionMask(micro, maskTruncated));
        }
        double threshold = EntropyMask.Threshold(cat([.. entropies.Select(e => e.flatten())]), cat([.. lossMasks.Select(m => m.flatten())]), quantile);
        var masks = new Tensor[microBatches.Count];
        double kept = 0, entropySum = 0;
        for (int k = 0; k < masks.Length; k++)
        {
            masks[k] = EntropyMask.Keep(entropies[k], lossMasks[k], threshold);
            kept += masks[k].sum().item<float>();
            entropySum += (entropies[k] * masks[k]).sum().item<float>();
            masks[k] = masks[k].MoveToOuterDisposeScope();
        }
        return new EntropySelection(masks, (long)kept, kept == 0 ? 0 : entropySum / kept, threshold);
    }

    /// <summary>Frees the masks.</summary>
    public void Dispose()
    {
        foreach (var mask in Masks) mask.Dispose();
    }
}
