namespace R1Sharp.RewardModels;

/// <summary>One optimizer step of <c>r1 rm</c>, for progress displays.</summary>
/// <param name="Step">Steps done.</param>
/// <param name="TotalSteps">Steps planned.</param>
/// <param name="Loss">Bradley–Terry loss of the step.</param>
/// <param name="Accuracy">Share of the step's pairs ranked right.</param>
/// <param name="LearningRate">Learning rate of the step.</param>
/// <param name="EvalAccuracy">Held-out accuracy when evaluated at this step, else null.</param>
public sealed record RewardModelProgress(int Step, int TotalSteps, double Loss, double Accuracy, double LearningRate, double? EvalAccuracy);
