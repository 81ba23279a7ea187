namespace R1Sharp.Distillation.BuiltIn;

/// <summary>What the RL arm of <c>r1 distill-zero</c> did: GRPO on the student's base under the distillation arm's time.</summary>
/// <param name="Seconds">GRPO training wall time (the last step may end past the budget).</param>
/// <param name="BudgetSeconds">The time budget: the distillation arm's seconds.</param>
/// <param name="Steps">GRPO steps done.</param>
public sealed record RlArmResult(double Seconds, double BudgetSeconds, int Steps);
