namespace R1Sharp.Training.Grpo;

/// <summary>A held-out evaluation hook: called with the step number, returns metrics logged under <c>eval/…</c>.</summary>
public delegate Task<IReadOnlyDictionary<string, double>> GrpoEvaluation(int step, CancellationToken cancellationToken);
