namespace R1Sharp.Evaluation.Metrics;

/// <summary>One point of the pass@k curve.</summary>
/// <param name="K">Samples allowed per question.</param>
/// <param name="Value">Mean over questions of the unbiased pass@k estimate, in [0, 1].</param>
public sealed record PassAtKPoint(int K, double Value);
