namespace R1Sharp.Evaluation.Metrics;

/// <summary>
/// The unbiased pass@k estimator of Chen et al. 2021 ("Evaluating Large Language Models Trained on Code"):
/// with n samples of which c are correct, pass@k = 1 - C(n-c, k) / C(n, k), the probability that at least one
/// of k samples drawn without replacement from the n is correct.
/// </summary>
public static class PassAtKEstimator
{
    /// <summary>Estimates pass@k for one question.</summary>
    /// <param name="samples">n: the number of samples drawn for the question (at least 1).</param>
    /// <param name="correct">c: how many of them are correct (0..n).</param>
    /// <param name="k">k: 1..n.</param>
    /// <returns>A probability in [0, 1]; exactly 1 when fewer than k samples are wrong, exactly 0 when none is correct.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When the counts are inconsistent.</exception>
    public static double Estimate(int samples, int correct, int k)
    {
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "need at least one sample");
        if (correct < 0 || correct > samples)
            throw new ArgumentOutOfRangeException(nameof(correct), correct, $"must be between 0 and the sample count {samples}");
        if (k < 1 || k > samples)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"must be between 1 and the sample count {samples}");

        int wrong = samples - correct;
        // Every k-subset contains a correct sample.
        if (wrong < k) return 1.0;
        // C(n-c, k) / C(n, k) = prod_{i=n-c+1}^{n} (1 - k/i): a product of c factors in (0, 1), which never
        // forms the huge binomials themselves (C(64, 32) already exceeds 2^60) and so loses no precision.
        double allWrong = 1.0;
        for (int i = wrong + 1; i <= samples; i++)
            allWrong *= 1.0 - (double)k / i;
        return 1.0 - allWrong;
    }

    /// <summary>
    /// The k values worth reporting for a sample count: 1, 2, 4, ... (powers of two below n) and n itself,
    /// as in the pass@k curves of Codex and DeepSeek-R1's cons@64.
    /// </summary>
    /// <param name="samples">The number of samples every question has (at least 1).</param>
    public static IReadOnlyList<int> ReportedKs(int samples)
    {
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "need at least one sample");
        var ks = new List<int>();
        for (int k = 1; k < samples; k *= 2) ks.Add(k);
        ks.Add(samples);
        return ks;
    }
}
