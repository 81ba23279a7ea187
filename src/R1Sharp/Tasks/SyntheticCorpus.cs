using System.Text;

namespace R1Sharp.Tasks;

/// <summary>
/// The pre-training text of the built-in base model: the R1-Zero template filled with a training problem, followed
/// by a deliberately imperfect worked solution (see <see cref="CorpusNoise"/>) and end-of-text.
/// </summary>
public static class SyntheticCorpus
{
    /// <summary>Document number <paramref name="index"/>: prompt, completion and the whole text.</summary>
    public static (string Prompt, string Completion) Document(TaskSuite suite, long index, CorpusNoise noise)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var problem = suite.TrainingProblem(index, stream: 0);
        var random = new Random(unchecked((int)(index * 40_503L + 17)));
        return (R1ZeroTemplate.Format(problem.Question), suite.TaskOf(problem).WriteSolution(problem, random, noise));
    }

    /// <summary>A few documents as plain text, for docs and inspection.</summary>
    public static string Sample(TaskSuite suite, int count, CorpusNoise noise)
    {
        var text = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            var (prompt, completion) = Document(suite, i, noise);
            text.Append(prompt).Append(completion).Append('\n');
        }
        return text.ToString();
    }
}
