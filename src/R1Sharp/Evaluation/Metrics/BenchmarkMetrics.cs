namespace R1Sharp.Evaluation.Metrics;

/// <summary>The metrics of RECIPE.md §6 for one benchmark (or for all benchmarks pooled, named <c>overall</c>).</summary>
/// <param name="Name">Benchmark name.</param>
/// <param name="Questions">Questions scored.</param>
/// <param name="SamplesPerQuestion">The smallest number of samples any question has (k of the protocol).</param>
/// <param name="Samples">Samples scored, failed ones included.</param>
/// <param name="PassAt1">pass@1 = mean over questions of (1/k) Σ p_i, with its standard error over questions.</param>
/// <param name="PassAtK">Unbiased pass@k (Chen et al. 2021) for k = 1, 2, 4, ... up to the sample count.</param>
/// <param name="ConsensusAccuracy">cons@k: the fraction of questions whose majority-vote answer is correct (see <see cref="MajorityVote"/>).</param>
/// <param name="MeanResponseTokens">Mean completion length in tokens over samples that have a response, or null when none has.</param>
/// <param name="MaxResponseTokens">Longest completion in tokens, or null when no sample has a response.</param>
/// <param name="TruncationRate">Fraction of responded samples that stopped at the token limit.</param>
/// <param name="NoAnswerRate">Fraction of responded samples in which no final answer was found.</param>
/// <param name="FailedSamples">Samples the backend could not produce (counted as wrong; a rerun retries them).</param>
/// <param name="ToolCallRate">With tools (<c>r1 eval --tools</c>): the fraction of responded samples that made at least one tool call; null without tools.</param>
/// <param name="MeanToolCalls">With tools: tool calls per responded sample (GRPO's <c>tools/call_frequency</c>); null without tools.</param>
/// <param name="ToolFailureRate">With tools: failed calls per call (GRPO's <c>tools/failure_frequency</c>; 0 when no call was made); null without tools.</param>
public sealed record BenchmarkMetrics(
    string Name,
    int Questions,
    int SamplesPerQuestion,
    int Samples,
    MeanWithStandardError PassAt1,
    IReadOnlyList<PassAtKPoint> PassAtK,
    double ConsensusAccuracy,
    double? MeanResponseTokens,
    int? MaxResponseTokens,
    double TruncationRate,
    double NoAnswerRate,
    int FailedSamples,
    double? ToolCallRate = null,
    double? MeanToolCalls = null,
    double? ToolFailureRate = null);
