namespace R1Sharp.Training.Grpo;

/// <summary>Outcome of <see cref="GrpoTrainer.RunAsync"/>.</summary>
/// <param name="Steps">Steps completed (including those before a resume).</param>
/// <param name="StartedAtStep">Steps already done when this process started (0 unless resumed).</param>
/// <param name="Seconds">Training wall time across resumes.</param>
public sealed record GrpoRunResult(int Steps, int StartedAtStep, double Seconds);
