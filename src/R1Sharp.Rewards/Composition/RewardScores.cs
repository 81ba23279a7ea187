namespace R1Sharp.Rewards.Composition;

/// <summary>
/// The scores of one batch: each function's score per completion (null where it did not apply) and the weighted
/// total per completion (a null counts 0), as TRL's GRPOTrainer computes them.
/// </summary>
public sealed class RewardScores
{
    private readonly double?[][] _byFunction;
    private readonly double[] _totals;

    internal RewardScores(IReadOnlyList<string> names, IReadOnlyList<double> weights, double?[][] byFunction, double[] totals,
        IReadOnlyDictionary<string, double>? counters = null)
    {
        Counters = counters ?? new Dictionary<string, double>(StringComparer.Ordinal);
        Names = names;
        Weights = weights;
        _byFunction = byFunction;
        _totals = totals;
    }

    /// <summary>Function names, in composer order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Function weights, in composer order.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>Counts the batch functions reported (<see cref="BatchRewardResult.Counters"/>, e.g. <c>judge/failures</c>), summed over batches.</summary>
    public IReadOnlyDictionary<string, double> Counters { get; }

    /// <summary>Number of completions scored.</summary>
    public int Count => _totals.Length;

    /// <summary>Weighted total per completion: Σ weight × score, a null score counting 0.</summary>
    public IReadOnlyList<double> Totals => _totals;

    /// <summary>The scores of function <paramref name="function"/> (composer index), one per completion.</summary>
    public IReadOnlyList<double?> ScoresOf(int function) => _byFunction[function];

    /// <summary>The scores of the function labelled <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No function has that label.</exception>
    public IReadOnlyList<double?> ScoresOf(string name) => _byFunction[IndexOf(name)];

    /// <summary>Mean of a function's non-null scores; null when all were null (or the batch is empty).</summary>
    public double? Mean(int function)
    {
        double sum = 0;
        int n = 0;
        foreach (double? s in _byFunction[function])
        {
            if (s is not { } v) continue;
            sum += v;
            n++;
        }
        return n == 0 ? null : sum / n;
    }

    /// <summary>Population standard deviation of a function's non-null scores; null when all were null.</summary>
    public double? StandardDeviation(int function)
    {
        if (Mean(function) is not { } mean) return null;
        double sum = 0;
        int n = 0;
        foreach (double? s in _byFunction[function])
        {
            if (s is not { } v) continue;
            sum += (v - mean) * (v - mean);
            n++;
        }
        return Math.Sqrt(sum / n);
    }

    /// <summary>Mean of the weighted totals (TRL's <c>reward</c> metric); null for an empty batch.</summary>
    public double? TotalMean => _totals.Length == 0 ? null : _totals.Average();

    /// <summary>Population standard deviation of the weighted totals (TRL's <c>reward_std</c> before grouping); null for an empty batch.</summary>
    public double? TotalStandardDeviation
    {
        get
        {
            if (TotalMean is not { } mean) return null;
            return Math.Sqrt(_totals.Average(t => (t - mean) * (t - mean)));
        }
    }

    /// <summary>Per-function means keyed by label, e.g. for metrics named <c>rewards/&lt;label&gt;/mean</c>.</summary>
    public IReadOnlyDictionary<string, double?> Means()
    {
        var means = new Dictionary<string, double?>(StringComparer.Ordinal);
        for (int f = 0; f < Names.Count; f++) means[Names[f]] = Mean(f);
        return means;
    }

    /// <summary>The scores of the completions at <paramref name="indices"/>, in that order (e.g. the groups a step keeps).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the batch.</exception>
    public RewardScores Subset(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        foreach (int i in indices) ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)i, (uint)Count, nameof(indices));
        double?[][] byFunction = [.. _byFunction.Select(scores => indices.Select(i => scores[i]).ToArray())];
        return new RewardScores(Names, Weights, byFunction, [.. indices.Select(i => _totals[i])], Counters);
    }

    /// <summary>Several batches scored by the same composer, one after the other.</summary>
    /// <exception cref="ArgumentException">No batch, or batches with different functions.</exception>
    public static RewardScores Concatenate(IReadOnlyList<RewardScores> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        if (batches.Count == 0) throw new ArgumentException("At least one batch is needed.", nameof(batches));
        RewardScores first = batches[0];
        if (batches.Any(b => !b.Names.SequenceEqual(first.Names, StringComparer.Ordinal)))
            throw new ArgumentException("The batches were scored by different functions.", nameof(batches));
        double?[][] byFunction = [.. Enumerable.Range(0, first.Names.Count).Select(f => batches.SelectMany(b => b._byFunction[f]).ToArray())];
        var counters = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in batches.SelectMany(b => b.Counters)) counters[name] = counters.GetValueOrDefault(name) + value;
        return new RewardScores(first.Names, first.Weights, byFunction, [.. batches.SelectMany(b => b._totals)], counters);
    }

    private int IndexOf(string name)
    {
        for (int f = 0; f < Names.Count; f++)
            if (string.Equals(Names[f], name, StringComparison.Ordinal)) return f;
        throw new KeyNotFoundException($"No reward labelled '{name}'; the labels are: {string.Join(", ", Names)}.");
    }
}
