using R1Sharp.Models;
using R1Sharp.RewardModels;
using R1Sharp.Tasks;

namespace R1Sharp.Pipeline;

/// <summary>
/// The held-out evaluation of every stage, with one protocol and one seed: k samples per reasoning problem (asked in either language,
/// <see cref="PipelineWorld.AsksInLingua"/>) at the
/// paper's temperature 0.6 and top-p 0.95 (pass@1, language consistency and mixed-language rate against the question's language, length, format), and
/// <c>chatSamples</c> samples per held-out chat prompt scored by the trained reward model (and by the rule judge, for reference).
/// </summary>
/// <param name="world">The tasks and their held-out splits.</param>
/// <param name="tokenizer">The task tokenizer.</param>
/// <param name="rewardModel">The reward model that scores chat responses.</param>
/// <param name="samples">k per reasoning problem.</param>
/// <param name="maxNewTokens">Generation limit.</param>
/// <param name="chatSamples">Samples per held-out chat prompt.</param>
public sealed class PipelineEvaluator(PipelineWorld world, TaskTokenizer tokenizer, RewardModel rewardModel, int samples, int maxNewTokens, int chatSamples)
{
    /// <summary>Paper's evaluation temperature.</summary>
    public const double Temperature = 0.6;

    /// <summary>Paper's evaluation top-p.</summary>
    public const double TopP = 0.95;

    /// <summary>Evaluates <paramref name="model"/> (seeded: the same weights give the same figures).</summary>
    public StageEvaluation Evaluate(CausalLanguageModel model, long seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problems = world.Suite.HeldOut;
        var inLingua = problems.Select((_, i) => world.AsksInLingua(PipelineWorld.HeldOutStream, i)).ToArray();
        var prompts = problems.SelectMany((p, i) => Enumerable.Repeat(PipelineWorld.ReasoningPrompt(p, inLingua[i]), samples)).ToList();
        var sampled = ModelSampler.Sample(model, tokenizer, prompts, maxNewTokens, Temperature, TopP, seed, cancellationToken);
        var correct = new double[sampled.Count];
        var consistency = new double[sampled.Count];
        for (int i = 0; i < sampled.Count; i++)
        {
            var problem = problems[i / samples];
            correct[i] = AnswerScoring.IsCorrect(world.Suite.TaskOf(problem), problem, sampled[i].Text) ? 1 : 0;
            consistency[i] = Lingua.Consistency(sampled[i].Text, inLingua[i / samples]) ?? 1.0;
        }

        var chatValues = world.Chat.HeldOut;
        var chatPrompts = chatValues.SelectMany(n => Enumerable.Repeat(ChatTask.Prompt(n), chatSamples)).ToList();
        var chat = ModelSampler.Sample(model, tokenizer, chatPrompts, maxNewTokens, Temperature, TopP, seed + 1, cancellationToken);
        var rm = rewardModel.Score([.. chat.Select((c, i) => (IReadOnlyList<int>)[.. tokenizer.Encode(chatPrompts[i] + c.Text)])], tokenizer.PadId, 64, cancellationToken);
        var judge = chat.Select((c, i) => ChatTask.Judge(chatValues[i / chatSamples], c.Text)).ToArray();

        // Each unit's (problem's or chat prompt's) samples are consecutive.
        static IReadOnlyList<double> PerUnit(IReadOnlyList<double> values, int units)
        {
            int width = values.Count / units;
            return [.. Enumerable.Range(0, units).Select(u => Enumerable.Range(u * width, width).Average(i => values[i]))];
        }
        var pass1ByProblem = PerUnit(correct, problems.Count);
        var examples = new List<string>();
        foreach (var family in problems.Select(p => p.Family).Distinct())
        {
            int p = Enumerable.Range(0, problems.Count).First(i => problems[i].Family == family);
            examples.Add(problems[p].Question + " ->" + sampled[p * samples].Text);
        }
        examples.Add(ChatTask.Question(chatValues[0]) + " ->" + chat[0].Text);
        return new StageEvaluation(
            Pass1: correct.Average(),
            LanguageConsistency: consistency.Average(),
            MixedLanguageRate: sampled.Select((s, i) => Lingua.IsMixed(s.Text, inLingua[i / samples]) ? 1.0 : 0.0).Average(),
            RmScore: rm.Average(),
            ChatJudge: judge.Average(),
            MeanLength: sampled.Average(s => (double)s.Tokens),
            Format: sampled.Average(s => SummaryFormatReward.IsWellFormatted(s.Text) ? 1.0 : 0.0),
            Pass1ByProblem: pass1ByProblem,
            ConsistencyByProblem: PerUnit(consistency, problems.Count),
            LengthByProblem: PerUnit([.. sampled.Select(s => (double)s.Tokens)], problems.Count),
            RmScoreByPrompt: PerUnit(rm, chatValues.Count),
            Examples: examples)
        {
            Pass1ByFamily = problems.Select((p, i) => (p.Family, Pass1: pass1ByProblem[i]))
                .GroupBy(x => x.Family, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Average(x => x.Pass1), StringComparer.Ordinal),
        };
    }
}
