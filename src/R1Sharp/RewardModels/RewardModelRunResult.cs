namespace R1Sharp.RewardModels;

/// <summary>What a reward-model run did.</summary>
/// <param name="Steps">Optimizer steps done in total (resumes included).</param>
/// <param name="StepsRun">Steps run by this call (0 when a resumed run was complete).</param>
/// <param name="FirstLoss">Loss of this call's first step.</param>
/// <param name="LastLoss">Loss of its last step.</param>
/// <param name="InitialAccuracy">Held-out accuracy before training (null without a held-out split).</param>
/// <param name="Final">The trained model on the held-out pairs (null without them).</param>
/// <param name="ModelDirectory">Where the reward model was saved.</param>
public sealed record RewardModelRunResult(int Steps, int StepsRun, double? FirstLoss, double? LastLoss, double? InitialAccuracy,
    RewardModelEvaluation? Final, string ModelDirectory);
