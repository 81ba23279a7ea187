using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Text.Templates;
using R1Sharp.Tools;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Training.Zero.Tools;

/// <summary>
/// Evaluates a model on the held-out problems with the paper's protocol (k samples per problem, temperature 0.6,
/// top-p 0.95, pass@1 = mean correctness), either with the tool (multi-turn: <see cref="ToolCallingRollouts"/>, as
/// GRPO samples) or without it (single-turn generation; a call the model writes is then text nothing answers).
/// </summary>
/// <param name="suite">Held-out problems and their checker.</param>
/// <param name="tokenizer">The task tokenizer with the tool phrases.</param>
/// <param name="samplesPerProblem">k.</param>
/// <param name="maxNewTokens">Completion budget, tool output included.</param>
/// <param name="temperature">Sampling temperature.</param>
/// <param name="topP">Nucleus threshold.</param>
public sealed class ToolTaskEvaluator(TaskSuite suite, TaskTokenizer tokenizer, int samplesPerProblem, int maxNewTokens, double temperature, double topP)
{
    private const int BatchSize = 512;

    /// <summary>Runs the evaluation (seeded); <paramref name="tools"/> null evaluates without the tool.</summary>
    public async Task<ToolEvaluationResult> EvaluateAsync(CausalLanguageModel model, ToolCallingRollouts? tools, long seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problems = suite.HeldOut;
        var prompts = problems.SelectMany(p => Enumerable.Repeat((IReadOnlyList<int>)[.. tokenizer.Encode(R1ZeroTemplate.Format(p.Question))], samplesPerProblem)).ToList();
        var options = SamplingOptions.For(tokenizer, maxNewTokens, temperature, topP);
        var generator = new BatchedGenerator(model);
        IReadOnlyList<(int[] Tokens, ToolUse? Tools)> completions = tools is null
            ? [.. ChunkedGeneration.GenerateAll(generator, prompts, BatchSize, options, (_, start) => seed + start, cancellationToken).Select(s => (s.Tokens, (ToolUse?)null))]
            : [.. (await tools.GenerateAsync(generator, prompts, options, BatchSize, seed, cancellationToken).ConfigureAwait(false)).Select(r => (r.Tokens, r.Tools))];
        var texts = completions.Select(c => tokenizer.Decode(c.Tokens, skipSpecialTokens: true)).ToArray();
        var correct = texts.Select((t, i) => AnswerScoring.IsCorrect(suite.TaskOf(problems[i / samplesPerProblem]), problems[i / samplesPerProblem], t)).ToArray();
        bool Called(int i) => completions[i].Tools is { } use ? use.Calls > 0 : texts[i].Contains(ToolCallParser.CallClose, StringComparison.Ordinal);
        int calls = completions.Sum(c => c.Tools?.Calls ?? 0);
        var samples = Enumerable.Range(0, Math.Min(4, problems.Count))
            .Select(p => new CompletionSample(problems[p].Family, problems[p].Question, texts[p * samplesPerProblem], correct[p * samplesPerProblem]))
            .ToList();
        return new ToolEvaluationResult(
            Pass1: correct.Average(c => c ? 1.0 : 0.0),
            ToolCallRate: Enumerable.Range(0, texts.Length).Average(i => Called(i) ? 1.0 : 0.0),
            ToolFailureRate: calls == 0 ? 0 : completions.Sum(c => c.Tools?.Failures ?? 0) / (double)calls,
            Format: texts.Average(t => AnswerExtraction.HasR1ZeroFormat(t) ? 1.0 : 0.0),
            MeanLength: completions.Average(c => (double)c.Tokens.Length),
            Samples: samples);
    }
}
