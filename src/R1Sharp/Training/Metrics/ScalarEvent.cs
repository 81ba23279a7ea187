namespace R1Sharp.Training.Metrics;

/// <summary>One scalar of a TensorBoard event file.</summary>
/// <param name="Step">Global step.</param>
/// <param name="WallTime">Seconds since the Unix epoch.</param>
/// <param name="Tag">Metric name, e.g. <c>reward</c> or <c>rewards/accuracy/mean</c>.</param>
/// <param name="Value">The value (TensorBoard stores float32).</param>
public sealed record ScalarEvent(long Step, double WallTime, string Tag, float Value);
