namespace R1Sharp.Training.Zero;

/// <summary>Held-out results of the built-in tasks, the paper's way: pass@1 = mean correctness of k samples per problem.</summary>
/// <param name="Pass1">Overall pass@1 (k samples at the evaluation temperature/top-p).</param>
/// <param name="Greedy">Overall accuracy of one greedy completion per problem.</param>
/// <param name="Format">Share of sampled completions in the <c>&lt;think&gt;…&lt;/think&gt; &lt;answer&gt;…&lt;/answer&gt;</c> format.</param>
/// <param name="MeanLength">Mean sampled completion length (tokens).</param>
/// <param name="ReflectionRate">Share of sampled completions with reflection words ("wait", "check again", ...).</param>
/// <param name="Pass1ByFamily">pass@1 per task family.</param>
/// <param name="GreedyByFamily">Greedy accuracy per task family.</param>
/// <param name="Samples">A few (question, completion, correct) examples.</param>
/// <param name="Pass1ByProblem">
/// Mean correctness of each held-out problem's k samples, in the order of <see cref="R1Sharp.Tasks.TaskSuite.HeldOut"/> (what a
/// paired comparison of two models resamples). Null in base.json files of runs older than this field.
/// </param>
/// <param name="PassAtKByFamily">
/// pass@k per family with k = all samples per problem: the share of problems with at least one correct sample (how
/// often the model <i>can</i> answer, the ceiling that sharpening by RL works under). Null in older base.json files.
/// </param>
public sealed record TaskEvaluationResult(
    double Pass1,
    double Greedy,
    double Format,
    double MeanLength,
    double ReflectionRate,
    IReadOnlyDictionary<string, double> Pass1ByFamily,
    IReadOnlyDictionary<string, double> GreedyByFamily,
    IReadOnlyList<CompletionSample> Samples,
    IReadOnlyList<double>? Pass1ByProblem = null,
    IReadOnlyDictionary<string, double>? PassAtKByFamily = null);
