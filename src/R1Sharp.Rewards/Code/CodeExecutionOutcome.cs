namespace R1Sharp.Rewards.Code;

/// <summary>The full result behind one code reward.</summary>
/// <param name="Score">The reward, or null when the row does not apply.</param>
/// <param name="NotApplicableReason">Why the score is null (e.g. the malformed field and what is wrong with it); null otherwise.</param>
/// <param name="Evaluation">The per-test verdicts when the program ran; null when there was nothing to run.</param>
/// <param name="Program">The extracted program, or null when the completion had none.</param>
public sealed record CodeExecutionOutcome(double? Score, string? NotApplicableReason, ProgramEvaluation? Evaluation, string? Program);
