namespace R1Sharp.Training.Grpo;

/// <summary>What one GRPO step did.</summary>
/// <param name="Metrics">TRL-named metrics of the step.</param>
/// <param name="NextDataPosition">Where the next step's prompts start.</param>
/// <param name="SampleCompletion">One completion of the step (for progress output).</param>
public sealed record GrpoStepResult(IReadOnlyDictionary<string, double> Metrics, long NextDataPosition, string SampleCompletion);
