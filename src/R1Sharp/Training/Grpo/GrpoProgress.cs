namespace R1Sharp.Training.Grpo;

/// <summary>Reported after every GRPO step for progress displays.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="MaxSteps">Steps of the run.</param>
/// <param name="Metrics">That step's metrics.</param>
/// <param name="Elapsed">Training time so far (across resumes).</param>
/// <param name="Eta">Estimated time left.</param>
public sealed record GrpoProgress(int Step, int MaxSteps, IReadOnlyDictionary<string, double> Metrics, TimeSpan Elapsed, TimeSpan Eta);
