using R1Sharp.Rewards;

namespace R1Sharp.Tasks;

/// <summary>
/// Accuracy reward of the built-in tasks: 1 when the last <c>&lt;answer&gt;</c> block solves the row's problem under
/// its family's own checker (Countdown evaluates the expression; arithmetic compares the integer), else 0;
/// null for rows of a family it does not know.
/// </summary>
public sealed class TaskAccuracyReward(IReadOnlyList<IReasoningTask> tasks) : IRewardFunction
{
    /// <inheritdoc />
    public string Name => "accuracy";

    /// <inheritdoc />
    public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var problem = ReasoningProblem.FromRow(input.Row);
        var task = tasks.FirstOrDefault(t => t.Family == problem.Family);
        if (task is null) return ValueTask.FromResult<double?>(null);
        return ValueTask.FromResult<double?>(AnswerScoring.IsCorrect(task, problem, input.Completion) ? 1.0 : 0.0);
    }
}
