using R1Sharp.Tasks;
using R1Sharp.Text.Templates;

namespace R1Sharp.Training.Zero.Tools;

/// <summary>
/// The pre-training documents of <c>r1 zero --tools</c>: training problem k of stream 0 (<see cref="SyntheticCorpus.Stream"/>),
/// asked either as a worked example without the R1-Zero instruction and solved with a tool call, or under the template,
/// where it is solved with a tool call at <see cref="ZeroToolCorpusOptions.ToolCallRate"/> and otherwise guessed.
/// </summary>
public static class ZeroToolCorpus
{
    /// <summary>Document number <paramref name="index"/>: prompt and completion.</summary>
    public static (string Prompt, string Completion) Document(TaskSuite suite, long index, ZeroToolCorpusOptions options, ZeroToolKind tool)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(options);
        var problem = suite.TrainingProblem(index, SyntheticCorpus.Stream);
        var random = new Random(unchecked((int)(index * 40_503L + 17)));
        if (random.NextDouble() < options.TextbookRate)
            return (SyntheticCorpus.TextbookPrompt(problem.Question), ZeroToolCalls.Solution(tool, problem));
        string completion = random.NextDouble() < options.ToolCallRate
            ? ZeroToolCalls.Solution(tool, problem)
            : suite.TaskOf(problem).WriteSolution(problem, random, new CorpusNoise());
        return (R1ZeroTemplate.Format(problem.Question), completion);
    }
}
