using R1Sharp.Evaluation.Results;

namespace R1Sharp.Evaluation.Metrics;

/// <summary>Turns judged samples into <see cref="BenchmarkMetrics"/>. Pure: the same samples give the same figures.</summary>
public static class MetricsCalculator
{
    /// <summary>Computes the metrics of one benchmark (or of several pooled).</summary>
    /// <param name="name">The name the metrics are reported under.</param>
    /// <param name="questions">Each question's samples (one inner list per question, at least one sample each).</param>
    /// <param name="areEquivalent">Answer equivalence for the majority vote.</param>
    public static BenchmarkMetrics Compute(
        string name,
        IReadOnlyList<IReadOnlyList<SampleRecord>> questions,
        Func<string, string, bool> areEquivalent)
    {
        ArgumentNullException.ThrowIfNull(questions);
        ArgumentNullException.ThrowIfNull(areEquivalent);
        if (questions.Any(q => q.Count == 0))
            throw new ArgumentException("every question needs at least one sample", nameof(questions));

        var allSamples = questions.SelectMany(q => q).ToList();
        var responded = allSamples.Where(s => !s.Failed).ToList();
        var lengths = responded.Where(s => s.CompletionTokens is not null).Select(s => s.CompletionTokens!.Value).ToList();
        int samplesPerQuestion = questions.Count == 0 ? 0 : questions.Min(q => q.Count);

        var passAt1 = MeanWithStandardError.Of(questions.Select(q => (double)q.Count(s => s.Correct) / q.Count).ToList());
        var passAtK = samplesPerQuestion == 0
            ? []
            : PassAtKEstimator.ReportedKs(samplesPerQuestion)
                .Select(k => new PassAtKPoint(k, questions.Average(q => PassAtKEstimator.Estimate(q.Count, q.Count(s => s.Correct), k))))
                .ToList();
        double consensus = questions.Count == 0
            ? 0
            : questions.Average(q => MajorityVote.Decide(
                q.Select(s => new VoteCandidate(s.SampleIndex, s.Extracted, s.Correct)), areEquivalent).Correct ? 1.0 : 0.0);

        // Tool use counts over the samples that recorded it (r1 eval --tools); a run without tools reports none.
        var withTools = responded.Where(s => s.ToolCalls is not null).ToList();
        int calls = withTools.Sum(s => s.ToolCalls!.Value);
        return new BenchmarkMetrics(
            Name: name,
            Questions: questions.Count,
            SamplesPerQuestion: samplesPerQuestion,
            Samples: allSamples.Count,
            PassAt1: passAt1,
            PassAtK: passAtK,
            ConsensusAccuracy: consensus,
            MeanResponseTokens: lengths.Count == 0 ? null : lengths.Average(),
            MaxResponseTokens: lengths.Count == 0 ? null : lengths.Max(),
            TruncationRate: responded.Count == 0 ? 0 : (double)responded.Count(s => s.Truncated) / responded.Count,
            NoAnswerRate: responded.Count == 0 ? 0 : (double)responded.Count(s => s.Extracted is null) / responded.Count,
            FailedSamples: allSamples.Count - responded.Count,
            ToolCallRate: withTools.Count == 0 ? null : (double)withTools.Count(s => s.ToolCalls > 0) / withTools.Count,
            MeanToolCalls: withTools.Count == 0 ? null : (double)calls / withTools.Count,
            ToolFailureRate: withTools.Count == 0 ? null : calls == 0 ? 0 : (double)withTools.Sum(s => s.ToolFailures ?? 0) / calls);
    }
}
