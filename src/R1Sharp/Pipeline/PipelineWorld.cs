using System.Globalization;
using R1Sharp.Tasks;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Text.Templates;

namespace R1Sharp.Pipeline;

/// <summary>
/// The texts of <c>r1 pipeline</c>'s built-in world: the base model's pre-training corpus (<c>r1 zero</c>'s reasoning
/// documents, some of them code-switched into Lingua, plus chat documents of mixed quality) and the cold-start set
/// (long, readable chains of thought in the paper's output format: reasoning, then a summary; questions asked in either
/// language, each answered wholly in its question's language).
/// </summary>
/// <param name="Suite">The reasoning tasks and their held-out split.</param>
/// <param name="Chat">The chat task and its held-out split.</param>
/// <param name="Noise">How imperfect the reasoning documents are (<c>r1 zero</c>'s corpus settings).</param>
/// <param name="Language">How the corpus mixes the two languages and how much chat it holds.</param>
public sealed record PipelineWorld(TaskSuite Suite, ChatTask Chat, CorpusNoise Noise, LanguageMix Language)
{
    /// <summary>The training stream of the cold-start problems (0 is the corpus, 1 the reasoning RL prompts).</summary>
    public const int ColdStartStream = 3;

    /// <summary>The training stream the stage-2 model answers for rejection sampling.</summary>
    public const int RejectionStream = 2;

    /// <summary>The training stream of stage 4's reasoning prompts.</summary>
    public const int AllScenarioStream = 4;

    /// <summary>Pre-training document number <paramref name="index"/>: (prompt, completion).</summary>
    public (string Prompt, string Completion) CorpusDocument(long index)
    {
        var random = new Random(unchecked((int)(index * 7_368_787L + 101)));
        if (random.NextDouble() < Language.ChatShare)
        {
            int n = Chat.Training(random.Next(int.MaxValue));
            return (ChatTask.Prompt(n), ChatTask.Response(n, Language.CorpusChatGoodRate, random));
        }
        var (prompt, completion) = SyntheticCorpus.Document(Suite, index, Noise);
        if (random.NextDouble() < Language.LinguaQuestionRate)
        {
            // A question asked in Lingua, answered (mostly) in Lingua.
            string question = Suite.TrainingProblem(index, SyntheticCorpus.Stream).Question;
            return (prompt.Replace(question, Lingua.QuestionInLingua(question), StringComparison.Ordinal),
                Lingua.Translate(Lingua.JoinSteps(completion), Language.LinguaAnswerShare, random));
        }
        // Careful (self-checking) reasoning is the part of the corpus most often written code-switched: RL that rewards
        // checking then pulls Lingua words into English reasoning, unless the language reward pulls back.
        bool checks = completion.Contains("wait", StringComparison.Ordinal);
        double rate = checks ? Language.CheckingMixRate : Language.PlainMixRate;
        string reasoning = Lingua.JoinSteps(completion);
        return (prompt, random.NextDouble() < rate ? Lingua.Translate(reasoning, Language.MixedShare, random) : reasoning);
    }

    /// <summary>The stream number of the held-out problems in <see cref="AsksInLingua"/>.</summary>
    public const int HeldOutStream = -1;

    /// <summary>
    /// Whether reasoning prompt <paramref name="index"/> of <paramref name="stream"/> (RL, rejection sampling, or
    /// <see cref="HeldOutStream"/>) is asked in Lingua: a fixed draw with probability <see cref="LanguageMix.PromptLinguaRate"/>.
    /// </summary>
    public bool AsksInLingua(int stream, long index) =>
        Language.PromptLinguaRate > 0 && new Random(StableSeed.Derive(0x11A, stream, index)).NextDouble() < Language.PromptLinguaRate;

    /// <summary>A reasoning problem in the R1-Zero template, its question in Lingua when <paramref name="inLingua"/>.</summary>
    public static string ReasoningPrompt(ReasoningProblem problem, bool inLingua)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return R1ZeroTemplate.Format(inLingua ? Lingua.QuestionInLingua(problem.Question) : problem.Question);
    }

    /// <summary>
    /// Cold-start example number <paramref name="index"/>: a problem of <see cref="ColdStartStream"/> solved by a worked,
    /// self-checking chain of thought without step errors, then a one-line summary, then the answer; only correct
    /// solutions are used (the paper's cold-start data is curated). Asked in Lingua as often as the RL prompts are
    /// (<see cref="AsksInLingua"/>), and then written wholly in Lingua: every response in one language, its question's
    /// (the paper's cold-start data is readable).
    /// </summary>
    public (string Prompt, string Completion) ColdStartExample(long index)
    {
        var clean = Noise with { GuessRate = 0, SelfCheckRate = 1, StepErrorRate = 0 };
        for (long attempt = 0; ; attempt++)
        {
            var problem = Suite.TrainingProblem(index * 16 + attempt, ColdStartStream);
            var task = Suite.TaskOf(problem);
            var random = new Random(unchecked((int)(index * 2_654_435L + attempt * 97 + 5)));
            string completion = task.WriteSolution(problem, random, clean);
            if (!AnswerScoring.IsCorrect(task, problem, completion) && attempt < 15) continue;
            string reasoning = WithSummary(Lingua.JoinSteps(completion), problem);
            return AsksInLingua(ColdStartStream, index)
                ? (ReasoningPrompt(problem, inLingua: true), Lingua.Translate(reasoning, 1.0, random))
                : (ReasoningPrompt(problem, inLingua: false), reasoning);
        }
    }

    /// <summary>
    /// Puts the paper's summary between the reasoning and the answer: " &lt;/think&gt; 3+4*5-2=21 &lt;answer&gt;21&lt;/answer&gt;" (the
    /// expression answered and its value).
    /// </summary>
    public static string WithSummary(string completion, ReasoningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(completion);
        ArgumentNullException.ThrowIfNull(problem);
        string answer = AnswerExtraction.LastAnswer(completion) ?? "";
        string stated = problem.Family == "countdown" ? answer : problem.Expression;
        string summary = $" {stated}={problem.Target.ToString(CultureInfo.InvariantCulture)}";
        int close = completion.IndexOf("</think>", StringComparison.Ordinal);
        return close < 0 ? completion : completion[..(close + "</think>".Length)] + summary + completion[(close + "</think>".Length)..];
    }
}
