namespace R1Sharp.Evaluation.Judging;

/// <summary>The verdict on one response.</summary>
/// <param name="Correct">True when the extracted answer is equivalent to the gold answer.</param>
/// <param name="Extracted">The final answer found in the response, or null when it gave none (empty box, no box, ...).</param>
/// <param name="Error">Why the response could not be judged (e.g. the gold answer did not parse), or null.</param>
public sealed record AnswerJudgement(bool Correct, string? Extracted, string? Error = null);
