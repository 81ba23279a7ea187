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
public sealed record TaskEvaluationResult(
    double Pass1,
    double Greedy,
    double Format,
    double MeanLength,
    double ReflectionRate,
    IReadOnlyDictionary<string, double> Pass1ByFamily,
    IReadOnlyDictionary<string, double> GreedyByFamily,
    IReadOnlyList<CompletionSample> Samples);
