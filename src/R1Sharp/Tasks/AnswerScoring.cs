namespace R1Sharp.Tasks;

/// <summary>Whether an R1-Zero completion solves its problem: the last <c>&lt;answer&gt;</c> block under the family's own checker.</summary>
public static class AnswerScoring
{
    /// <summary>True when <paramref name="completion"/> has an <c>&lt;answer&gt;</c> block and the last one solves <paramref name="problem"/>.</summary>
    /// <param name="task">The problem's family (its checker).</param>
    /// <param name="problem">The problem.</param>
    /// <param name="completion">The model's text after the prompt.</param>
    public static bool IsCorrect(IReasoningTask task, ReasoningProblem problem, string completion)
    {
        ArgumentNullException.ThrowIfNull(task);
        string? answer = AnswerExtraction.LastAnswer(completion);
        return answer is not null && task.IsCorrect(problem, answer);
    }
}
