namespace R1Sharp.Training.Grpo;

/// <summary>Outcome of <see cref="GrpoTrainer.RunAsync(string?, GrpoEvaluation?, IProgress{GrpoProgress}?, CancellationToken)"/>.</summary>
/// <param name="Steps">Steps completed (including those before a resume).</param>
/// <param name="StartedAtStep">Steps already done when this process started (0 unless resumed).</param>
/// <param name="Seconds">Training wall time across resumes.</param>
/// <param name="StoppedByTimeBudget">True when the run ended before <c>max_steps</c> because <c>max_seconds</c> was spent.</param>
/// <param name="PromptsDrawn">Prompt positions the run has read (0 … n−1, refills included), across resumes.</param>
public sealed record GrpoRunResult(int Steps, int StartedAtStep, double Seconds, bool StoppedByTimeBudget = false, long PromptsDrawn = 0);
