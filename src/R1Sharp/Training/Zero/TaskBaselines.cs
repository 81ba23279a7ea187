using System.Globalization;
using R1Sharp.Tasks;

namespace R1Sharp.Training.Zero;

/// <summary>
/// What a held-out figure has to beat, computed on the same held-out problems and scored by the same checkers:
/// answers that need no model at all, and the base model's pass@k. Written per family into summary.json's
/// <c>baselines</c> and shown beside pass@1 in report.html.
/// </summary>
public static class TaskBaselines
{
    /// <summary>Countdown: answer "all the numbers added" (<c>a+b+c</c>), right whenever the target is their sum.</summary>
    public const string SumOfNumbers = "sum_of_numbers";

    /// <summary>
    /// Every other family: always answer the family's most frequent held-out answer (ties: the smaller), the best
    /// constant answer in hindsight, so it is an upper bound of any answer that ignores the question.
    /// </summary>
    public const string MostFrequentAnswer = "most_frequent_answer";

    /// <summary>The name of the base model's pass@k baseline (<c>base_pass8</c> for k = 8).</summary>
    public static string BasePassAtK(int k) => $"base_pass{k.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The answer-only baselines of one family: <see cref="SumOfNumbers"/> for Countdown, <see cref="MostFrequentAnswer"/> otherwise.</summary>
    /// <param name="task">The family (its checker scores the baseline answers).</param>
    /// <param name="problems">The family's held-out problems.</param>
    public static IReadOnlyDictionary<string, double> AnswerOnly(IReasoningTask task, IReadOnlyList<ReasoningProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count == 0) return new Dictionary<string, double>();
        if (task.Family == "countdown")
            return new Dictionary<string, double> { [SumOfNumbers] = Share(problems, p => task.IsCorrect(p, string.Join("+", p.Numbers))) };
        long mode = problems.GroupBy(p => p.Target).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
        string answer = mode.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, double> { [MostFrequentAnswer] = Share(problems, p => task.IsCorrect(p, answer)) };
    }

    /// <summary>
    /// Per family of <paramref name="suite"/>: the answer-only baselines on its held-out problems, plus the base model's
    /// pass@k (<see cref="BasePassAtK"/>) when <paramref name="baseModel"/> has it.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Of(TaskSuite suite, TaskEvaluationResult baseModel, int k)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(baseModel);
        var result = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var task in suite.Tasks)
        {
            var values = new Dictionary<string, double>(AnswerOnly(task, [.. suite.HeldOut.Where(p => p.Family == task.Family)]), StringComparer.Ordinal);
            if (baseModel.PassAtKByFamily?.TryGetValue(task.Family, out double passAtK) == true) values[BasePassAtK(k)] = passAtK;
            result[task.Family] = values;
        }
        return result;
    }

    private static double Share(IReadOnlyList<ReasoningProblem> problems, Func<ReasoningProblem, bool> correct) =>
        problems.Count(correct) / (double)problems.Count;
}
