namespace R1Sharp.Training.Sft;

/// <summary>Progress report of a run, for a console bar or a UI.</summary>
/// <param name="Step">Optimizer steps done.</param>
/// <param name="TotalSteps">Steps planned.</param>
/// <param name="Metrics">The latest step's metrics.</param>
public sealed record SftProgress(int Step, int TotalSteps, SftStepMetrics Metrics);
