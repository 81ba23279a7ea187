using R1Sharp.Training.Zero;

namespace R1Sharp.Distillation.BuiltIn;

/// <summary>One model's held-out figures in <c>r1 distill-zero</c>'s summary (the protocol of <see cref="TaskEvaluator"/>).</summary>
/// <param name="Parameters">Parameter count.</param>
/// <param name="Pass1">pass@1 over all held-out problems: mean correctness of k samples per problem.</param>
/// <param name="Greedy">Accuracy of one greedy completion per problem.</param>
/// <param name="Format">Share of sampled completions in the R1-Zero format.</param>
/// <param name="MeanLength">Mean sampled completion length (tokens).</param>
/// <param name="ReflectionRate">Share of sampled completions with reflection words.</param>
/// <param name="Pass1ByFamily">pass@1 per task family.</param>
/// <param name="GreedyByFamily">Greedy accuracy per task family.</param>
public sealed record ModelScores(
    long Parameters,
    double Pass1,
    double Greedy,
    double Format,
    double MeanLength,
    double ReflectionRate,
    IReadOnlyDictionary<string, double> Pass1ByFamily,
    IReadOnlyDictionary<string, double> GreedyByFamily)
{
    /// <summary>The figures of an evaluation.</summary>
    public static ModelScores From(long parameters, TaskEvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new ModelScores(parameters, result.Pass1, result.Greedy, result.Format, result.MeanLength, result.ReflectionRate,
            result.Pass1ByFamily, result.GreedyByFamily);
    }
}
