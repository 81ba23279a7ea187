using R1Sharp.Tasks;
using R1Sharp.Text.Templates;
using R1Sharp.Training.Grpo;

namespace R1Sharp.Training.Zero;

/// <summary>Training prompts of the built-in tasks: position k is training problem k of the RL stream, in the R1-Zero template.</summary>
/// <param name="suite">The task suite (held-out problems are never returned).</param>
public sealed class TaskPromptSource(TaskSuite suite) : IPromptSource
{
    /// <summary>The training stream of the RL prompts (0 is the pre-training corpus, <see cref="SyntheticCorpus.Stream"/>).</summary>
    public const int Stream = 1;

    /// <inheritdoc />
    public PromptRow Get(long position)
    {
        var problem = suite.TrainingProblem(position, Stream);
        return new PromptRow(R1ZeroTemplate.Format(problem.Question), problem.ToRow());
    }
}
