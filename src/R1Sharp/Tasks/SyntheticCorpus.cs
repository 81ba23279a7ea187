using System.Text;
using R1Sharp.Text.Templates;

namespace R1Sharp.Tasks;

/// <summary>
/// The pre-training text of the built-in base model: a training problem asked either under the R1-Zero template
/// (mostly answered with a bare guess) or as a plain worked example, followed by the solution (see
/// <see cref="CorpusNoise"/>) and end-of-text.
/// </summary>
public static class SyntheticCorpus
{
    /// <summary>The training stream the corpus states its problems from: document k is training problem k of stream 0.</summary>
    public const int Stream = 0;

    /// <summary>Document number <paramref name="index"/>: prompt, completion and the whole text.</summary>
    public static (string Prompt, string Completion) Document(TaskSuite suite, long index, CorpusNoise noise)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var problem = suite.TrainingProblem(index, Stream);
        var random = new Random(unchecked((int)(index * 40_503L + 17)));
        var task = suite.TaskOf(problem);
        if (random.NextDouble() < noise.TextbookRate)
            return (TextbookPrompt(problem.Question), task.WriteSolution(problem, random, noise with { GuessRate = 0, SelfCheckRate = noise.TextbookSelfCheckRate }));
        return (R1ZeroTemplate.Format(problem.Question), task.WriteSolution(problem, random, noise));
    }

    /// <summary>The prompt of a worked example: the template's user and assistant turns without its instruction.</summary>
    public static string TextbookPrompt(string question) => "User: " + question + R1ZeroTemplate.Suffix;

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
