using R1Sharp.Distributed;
using R1Sharp.Models;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// <c>top_entropy_quantile</c> over a whole step: one no-grad pass of the policy before the update gives each completion
/// token's entropy (π_old's, at the sampling temperature); the threshold is the (1 − ρ)-quantile over every loss token
/// of the step (<see cref="EntropyMask"/>), so how the step is cut into micro-batches does not change which tokens are
/// kept (TRL takes it per device batch). The masks then hold for all <c>num_iterations</c> passes.
/// With several data-parallel ranks (issue 17) the quantile is over every rank's loss tokens (their entropies are
/// gathered on every rank), and the kept count and mean are the step's, so N ranks keep the tokens one rank keeps.
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

    /// <summary>Loss tokens kept in the whole step (on every rank).</summary>
    public long KeptTokens { get; }

    /// <summary>Mean entropy of the kept tokens (nats, at the sampling temperature).</summary>
    public double KeptMeanEntropy { get; }

    /// <summary>The entropy threshold of the step.</summary>
    public double Threshold { get; }

    /// <summary>Runs the no-grad entropy pass and selects the top-<paramref name="quantile"/> tokens of the step.</summary>
    /// <param name="logProbsOf">The step's log-prob path (temperature, chunking).</param>
    /// <param name="policy">The policy before the update.</param>
    /// <param name="rows">This rank's rows of the step; null when it has none (it still takes part in the quantile).</param>
    /// <param name="microBatches">Its micro-batches (empty without rows).</param>
    /// <param name="maskTruncated">Whether truncated completions are out of the loss (they are then out of the quantile too, as TRL).</param>
    /// <param name="quantile">ρ in [0, 1].</param>
    /// <param name="ranks">The data-parallel ranks (every rank must call this in the same step); null for one process.</param>
    public static EntropySelection Compute(CompletionLogProbs logProbsOf, CausalLanguageModel policy, TrainingRows? rows,
        IReadOnlyList<MicroBatch> microBatches, bool maskTruncated, double quantile, ICollectiveBackend? ranks = null)
    {
        ArgumentNullException.ThrowIfNull(logProbsOf);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(microBatches);
        if (rows is null && microBatches.Count > 0) throw new ArgumentException("micro-batches without rows", nameof(microBatches));
        ranks ??= SingleProcessBackend.Instance;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var entropies = new List<Tensor>();
        var lossMasks = new List<Tensor>();
        foreach (var micro in microBatches)
        {
            var (input, mask, targets) = rows!.Slice(micro, policy.Device);
            var (_, entropy) = logProbsOf.Compute(policy, input, mask, targets, withEntropy: true);
            entropies.Add(entropy!.to(CPU));
            lossMasks.Add(rows.CompletionMask(micro, maskTruncated));
        }
        double threshold = GlobalThreshold(entropies, lossMasks, quantile, ranks);
        var masks = new Tensor[microBatches.Count];
        double kept = 0, entropySum = 0;
        for (int k = 0; k < masks.Length; k++)
        {
            masks[k] = EntropyMask.Keep(entropies[k], lossMasks[k], threshold);
            kept += masks[k].sum().item<float>();
            entropySum += (entropies[k] * masks[k]).sum().item<float>();
            masks[k] = masks[k].MoveToOuterDisposeScope();
        }
        if (ranks.Size > 1)
        {
            Span<double> sums = [kept, entropySum];
            ranks.AllReduceSum(sums);
            (kept, entropySum) = (sums[0], sums[1]);
        }
        return new EntropySelection(masks, (long)kept, kept == 0 ? 0 : entropySum / kept, threshold);
    }

    // The (1 − ρ)-quantile over every rank's loss tokens: the quantile of a set does not depend on its order, so the
    // gathered values give one rank's threshold exactly (up to the ranks' float rounding of the entropies themselves).
    private static double GlobalThreshold(List<Tensor> entropies, List<Tensor> lossMasks, double quantile, ICollectiveBackend ranks)
    {
        if (ranks.Size == 1)
            return entropies.Count == 0 ? double.PositiveInfinity
                : EntropyMask.Threshold(cat([.. entropies.Select(e => e.flatten())]), cat([.. lossMasks.Select(m => m.flatten())]), quantile);
        double[] local = [.. entropies.Zip(lossMasks).SelectMany(p =>
            p.First.flatten().to_type(ScalarType.Float64).masked_select(p.Second.flatten().to_type(ScalarType.Bool)).data<double>().ToArray())];
        double[] all = [.. ranks.AllGather(local).SelectMany(v => v)];
        using var values = tensor(all, ScalarType.Float64);
        using var every = ones_like(values);
        return EntropyMask.Threshold(values, every, quantile);
    }

    /// <summary>Frees the masks.</summary>
    public void Dispose()
    {
        foreach (var mask in Masks) mask.Dispose();
    }
}
