namespace R1Sharp.Training.Metrics;

/// <summary>The metrics of one logged step, by TRL's names (<c>reward</c>, <c>kl</c>, <c>completions/mean_length</c>, ...).</summary>
/// <param name="Step">Optimizer step (1-based) the values belong to.</param>
/// <param name="Values">Metric name -> value.</param>
public sealed record StepMetrics(long Step, IReadOnlyDictionary<string, double> Values);
