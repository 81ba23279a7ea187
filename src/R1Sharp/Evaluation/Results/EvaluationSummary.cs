using R1Sharp.Evaluation.Backends;
using R1Sharp.Evaluation.Metrics;

namespace R1Sharp.Evaluation.Results;

/// <summary>What <c>summary.json</c> holds: the settings of the run and the metrics per benchmark and overall.</summary>
/// <param name="Backend">The backend's description (model and endpoint or checkpoint).</param>
/// <param name="Sampling">The sampling settings used.</param>
/// <param name="PromptSuffix">The usage instruction appended to every question.</param>
/// <param name="Benchmarks">Metrics of each benchmark.</param>
/// <param name="Overall">All questions of all benchmarks pooled (each question weighs the same).</param>
/// <param name="CompletedUtc">When the summary was written.</param>
public sealed record EvaluationSummary(
    string Backend,
    SamplingParameters Sampling,
    string PromptSuffix,
    IReadOnlyList<BenchmarkMetrics> Benchmarks,
    BenchmarkMetrics Overall,
    DateTimeOffset CompletedUtc);
