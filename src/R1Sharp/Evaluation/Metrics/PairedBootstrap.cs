namespace R1Sharp.Evaluation.Metrics;

/// <summary>
/// The difference of two models' mean scores on the same problems, with a paired bootstrap interval: problems are
/// resampled with replacement and each resample keeps both models' scores of a problem together, so what a problem
/// does to both (an easy problem lifts both) cancels, and the samples of one problem stay one unit (they are
/// correlated; treating them as independent would understate the spread). Percentile interval, as in Efron and
/// Tibshirani (1993), ch. 13.
/// </summary>
public static class PairedBootstrap
{
    /// <summary>Mean of <c>a − b</c> over problems, and its bootstrap interval.</summary>
    /// <param name="a">Score of each problem under the first model (e.g. the mean correctness of its k samples).</param>
    /// <param name="b">Score of the same problems, in the same order, under the second model.</param>
    /// <param name="resamples">Bootstrap resamples. Default 10,000.</param>
    /// <param name="seed">Seed of the resampling (the interval is reproducible).</param>
    /// <param name="level">Coverage of the interval. Default 0.95.</param>
    /// <exception cref="ArgumentException">The lists differ in length or are empty, or a setting is out of range.</exception>
    public static PairedDifference Difference(IReadOnlyList<double> a, IReadOnlyList<double> b, int resamples = 10_000, int seed = 0, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count) throw new ArgumentException($"paired scores need the same problems: {a.Count} against {b.Count}.", nameof(b));
        if (a.Count == 0) throw new ArgumentException("paired scores: no problems.", nameof(a));
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "level must lie strictly between 0 and 1.");

        int n = a.Count;
        var differences = new double[n];
        for (int i = 0; i < n; i++) differences[i] = a[i] - b[i];
        var random = new Random(seed);
        var means = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += differences[random.Next(n)];
            means[r] = sum / n;
        }
        Array.Sort(means);
        double tail = (1 - level) / 2;
        // The tail·R-th smallest and the tail·R-th largest resample (1-based), clamped to the resamples there are.
        int low = Math.Clamp((int)Math.Floor(tail * resamples), 0, resamples - 1);
        int high = Math.Clamp((int)Math.Ceiling((1 - tail) * resamples) - 1, 0, resamples - 1);
        return new PairedDifference(differences.Average(), means[low], means[high], level, resamples, n);
    }
}
