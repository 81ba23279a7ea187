using R1Sharp.Tasks;
using R1Sharp.Training.Grpo;

namespace R1Sharp.Pipeline;

/// <summary>
/// Training prompts of a pipeline RL stage: reasoning problems of one training stream in the R1-Zero template (asked in either language,
/// <see cref="PipelineWorld.AsksInLingua"/>), and,
/// when <paramref name="chatEvery"/> is above 0, a chat prompt at every <paramref name="chatEvery"/>-th position.
/// </summary>
/// <param name="world">The tasks.</param>
/// <param name="stream">The reasoning training stream.</param>
/// <param name="chatEvery">Every n-th position is a chat prompt (0 = none).</param>
public sealed class PipelinePromptSource(PipelineWorld world, int stream, int chatEvery) : IPromptSource
{
    /// <inheritdoc />
    public PromptRow Get(long position)
    {
        if (chatEvery > 0 && position % chatEvery == chatEvery - 1)
        {
            int n = world.Chat.Training(position / chatEvery);
            return new PromptRow(ChatTask.Prompt(n), ChatTask.Row(n));
        }
        var problem = world.Suite.TrainingProblem(position, stream);
        return new PromptRow(PipelineWorld.ReasoningPrompt(problem, world.AsksInLingua(stream, position)), problem.ToRow());
    }
}
