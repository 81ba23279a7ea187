namespace R1Sharp.Evaluation.Metrics;

/// <summary>A mean together with its standard error, e.g. pass@1 over the questions of a benchmark.</summary>
/// <param name="Mean">The arithmetic mean of the values (0 for no values).</param>
/// <param name="StandardError">
/// Sample standard deviation (n - 1 in the denominator) divided by sqrt(n); 0 when there are fewer than two values.
/// </param>
/// <param name="Count">How many values went in.</param>
public sealed record MeanWithStandardError(double Mean, double StandardError, int Count)
{
    /// <summary>Computes the mean and its standard error of <paramref name="values"/>.</summary>
    public static MeanWithStandardError Of(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = values.Count;
        if (n == 0) return new MeanWithStandardError(0, 0, 0);
        double mean = values.Average();
        if (n < 2) return new MeanWithStandardError(mean, 0, n);
        double sumOfSquares = values.Sum(v => (v - mean) * (v - mean));
        double standardDeviation = Math.Sqrt(sumOfSquares / (n - 1));
        return new MeanWithStandardError(mean, standardDeviation / Math.Sqrt(n), n);
    }
}
