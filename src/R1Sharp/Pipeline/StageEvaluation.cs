namespace R1Sharp.Pipeline;

/// <summary>One model's held-out figures in <c>r1 pipeline</c>.</summary>
/// <param name="Pass1">Reasoning pass@1: mean correctness of k samples per held-out problem (T 0.6, top-p 0.95).</param>
/// <param name="LanguageConsistency">Mean share of English words in the sampled chains of thought (1 for one with no word).</param>
/// <param name="MixedLanguageRate">Share of sampled chains of thought that hold a Lingua word.</param>
/// <param name="RmScore">Mean reward-model score of sampled responses to the held-out chat prompts.</param>
/// <param name="ChatJudge">Mean rule-judge score of the same responses (in [0, 1]).</param>
/// <param name="MeanLength">Mean length of the sampled reasoning completions (tokens).</param>
/// <param name="Format">Share of sampled reasoning completions in R1's output format (reasoning, summary, answer).</param>
/// <param name="Pass1ByProblem">Per held-out problem: mean correctness of its samples (what the paired bootstrap resamples).</param>
/// <param name="ConsistencyByProblem">Per held-out problem: mean language consistency of its samples.</param>
/// <param name="LengthByProblem">Per held-out problem: mean completion length of its samples.</param>
/// <param name="RmScoreByPrompt">Per held-out chat prompt: mean reward-model score of its samples.</param>
/// <param name="Examples">A few sampled completions: reasoning first, then chat.</param>
public sealed record StageEvaluation(
    double Pass1,
    double LanguageConsistency,
    double MixedLanguageRate,
    double RmScore,
    double ChatJudge,
    double MeanLength,
    double Format,
    IReadOnlyList<double> Pass1ByProblem,
    IReadOnlyList<double> ConsistencyByProblem,
    IReadOnlyList<double> LengthByProblem,
    IReadOnlyList<double> RmScoreByPrompt,
    IReadOnlyList<string> Examples)
{
    /// <summary>
    /// Pass@1 of each task family (countdown, arithmetic), in the suite's order: the mean of its problems'
    /// <see cref="Pass1ByProblem"/>. Empty in a stage.json written before 2026-12-05.
    /// </summary>
    public IReadOnlyDictionary<string, double> Pass1ByFamily { get; init; } = new Dictionary<string, double>();
}
