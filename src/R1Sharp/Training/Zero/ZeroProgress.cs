namespace R1Sharp.Training.Zero;

/// <summary>Progress of <c>r1 zero</c>.</summary>
/// <param name="Phase">pretrain, eval_before, rl, eval_after or done.</param>
/// <param name="Step">Step within the phase.</param>
/// <param name="Total">Steps of the phase.</param>
/// <param name="Values">Phase-specific values (loss; reward, accuracy, mean length, step time).</param>
/// <param name="Eta">Estimated time left in the phase.</param>
public sealed record ZeroProgress(string Phase, int Step, int Total, IReadOnlyDictionary<string, double> Values, TimeSpan Eta);
