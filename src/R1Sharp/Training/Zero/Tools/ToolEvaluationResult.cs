namespace R1Sharp.Training.Zero.Tools;

/// <summary>Held-out results of <c>r1 zero --tools</c>, with or without the tool, the paper's way (pass@1 = mean correctness of k samples per problem).</summary>
/// <param name="Pass1">pass@1 over k samples at the evaluation temperature and top-p.</param>
/// <param name="ToolCallRate">Share of sampled completions that made at least one tool call (with the tool) or wrote one (without: nothing answers it).</param>
/// <param name="ToolFailureRate">Failed calls per call (0 without the tool).</param>
/// <param name="Format">Share of sampled completions in the <c>&lt;think&gt;…&lt;/think&gt; &lt;answer&gt;…&lt;/answer&gt;</c> format.</param>
/// <param name="MeanLength">Mean completion length in tokens (tool output included).</param>
/// <param name="Samples">A few (question, completion, correct) examples.</param>
public sealed record ToolEvaluationResult(double Pass1, double ToolCallRate, double ToolFailureRate, double Format, double MeanLength, IReadOnlyList<CompletionSample> Samples);
