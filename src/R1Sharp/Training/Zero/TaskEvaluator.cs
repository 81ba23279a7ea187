using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Text;
using R1Sharp.Text.Templates;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Training.Zero;

/// <summary>
/// Evaluates a model on held-out task problems with the paper's protocol: k samples per problem at temperature
/// 0.6 and top-p 0.95, pass@1 = mean correctness, plus one greedy completion per problem.
/// </summary>
/// <param name="suite">Held-out problems and their checkers.</param>
/// <param name="tokenizer">The task tokenizer.</param>
/// <param name="samplesPerProblem">k (paper: 4–64; default 8).</param>
/// <param name="maxNewTokens">Generation limit.</param>
/// <param name="temperature">Sampling temperature (paper 0.6).</param>
/// <param name="topP">Nucleus threshold (paper 0.95).</param>
public sealed class TaskEvaluator(TaskSuite suite, TaskTokenizer tokenizer, int samplesPerProblem = 8, int maxNewTokens = 96, double temperature = 0.6, double topP = 0.95)
{
    private const int BatchSize = 512;

    /// <summary>Runs the evaluation (seeded, so the same weights give the same figures).</summary>
    public TaskEvaluationResult Evaluate(CausalLanguageModel model, long seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problems = suite.HeldOut;
        var prompts = problems.Select(p => (IReadOnlyList<int>)tokenizer.Encode(R1ZeroTemplate.Format(p.Question)).ToArray()).ToList();
        var generator = new BatchedGenerator(model);
        var sampled = Generate(generator, prompts.SelectMany(p => Enumerable.Repeat(p, samplesPerProblem)).ToList(), temperature, topP, seed, cancellationToken);
        var greedy = Generate(generator, prompts, 0, 1, seed, cancellationToken);

        var correct = new bool[sampled.Count];
        var texts = new string[sampled.Count];
        for (int i = 0; i < sampled.Count; i++)
        {
            var problem = problems[i / samplesPerProblem];
            texts[i] = tokenizer.Decode(sampled[i].Tokens, skipSpecialTokens: true);
            correct[i] = IsCorrect(problem, texts[i]);
        }
        var greedyCorrect = greedy.Select((g, i) => IsCorrect(problems[i], tokenizer.Decode(g.Tokens, skipSpecialTokens: true))).ToArray();
        var families = problems.Select(p => p.Family).Distinct().ToList();
        var samples = families.SelectMany(f => Enumerable.Range(0, problems.Count).Where(i => problems[i].Family == f).Take(2))
            .Select(i => new CompletionSample(problems[i].Family, problems[i].Question, texts[i * samplesPerProblem], correct[i * samplesPerProblem]))
            .ToList();
        return new TaskEvaluationResult(
            Pass1: correct.Average(c => c ? 1.0 : 0.0),
            Greedy: greedyCorrect.Average(c => c ? 1.0 : 0.0),
            Format: texts.Average(t => AnswerExtraction.HasR1ZeroFormat(t) ? 1.0 : 0.0),
            MeanLength: sampled.Average(s => (double)s.Tokens.Length),
            ReflectionRate: texts.Average(t => ReflectionWords.Contains(t) ? 1.0 : 0.0),
            Pass1ByFamily: families.ToDictionary(f => f, f => Enumerable.Range(0, correct.Length).Where(i => problems[i / samplesPerProblem].Family == f).Average(i => correct[i] ? 1.0 : 0.0)),
            GreedyByFamily: families.ToDictionary(f => f, f => Enumerable.Range(0, problems.Count).Where(i => problems[i].Family == f).Average(i => greedyCorrect[i] ? 1.0 : 0.0)),
            Samples: samples,
            Pass1ByProblem: [.. Enumerable.Range(0, problems.Count).Select(p => ProblemCorrectness(correct, p).Average(c => c ? 1.0 : 0.0))],
            PassAtKByFamily: families.ToDictionary(f => f, f => Enumerable.Range(0, problems.Count).Where(p => problems[p].Family == f)
                .Average(p => ProblemCorrectness(correct, p).Any(c => c) ? 1.0 : 0.0)));
    }

    private IEnumerable<bool> ProblemCorrectness(bool[] correct, int problem) => correct.Skip(problem * samplesPerProblem).Take(samplesPerProblem);

    private bool IsCorrect(ReasoningProblem problem, string completion) => AnswerScoring.IsCorrect(suite.TaskOf(problem), problem, completion);

    private List<GeneratedSequence> Generate(BatchedGenerator generator, List<IReadOnlyList<int>> prompts, double temp, double p, long seed, CancellationToken cancellationToken)
    {
        var options = SamplingOptions.For(tokenizer, maxNewTokens, temp, p);
        return ChunkedGeneration.GenerateAll(generator, prompts, BatchSize, options, (_, start) => seed + start, cancellationToken);
    }
}
