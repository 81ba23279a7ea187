namespace R1Sharp.Distillation;

/// <summary>
/// Applies rejection sampling to teacher responses: the per-response filters, then per prompt deduplication and the
/// cap of <see cref="RejectionSamplingOptions.MaxPerPrompt"/> (the first responses by sample index are kept).
/// </summary>
public sealed class RejectionSampler
{
    /// <summary>Drop reason of responses over the per-prompt cap.</summary>
    public const string OverCapReason = "over_per_prompt_limit";

    private readonly RejectionSamplingOptions _options;
    private readonly IReadOnlyList<IResponseFilter> _filters;

    /// <summary>Creates the sampler with the rules of <paramref name="options"/> (plus any extra filters, applied last).</summary>
    public RejectionSampler(RejectionSamplingOptions options, IEnumerable<IResponseFilter>? extraFilters = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _filters = [.. options.BuildFilters(), .. extraFilters ?? []];
    }

    /// <summary>Filters <paramref name="responses"/>.</summary>
    public RejectionResult Filter(IEnumerable<SampledResponse> responses)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var dropped = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var filter in _filters) dropped[filter.Name] = 0;
        if (_options.Deduplicate) { dropped[ResponseDeduplicator.ExactReason] = 0; dropped[ResponseDeduplicator.NearReason] = 0; }
        if (_options.MaxPerPrompt > 0) dropped[OverCapReason] = 0;

        var all = responses.ToList();
        var survivors = new List<SampledResponse>();
        foreach (var response in all)
        {
            var failed = _filters.FirstOrDefault(f => !f.Keep(response));
            if (failed is null) survivors.Add(response);
            else dropped[failed.Name]++;
        }

        var kept = new HashSet<SampledResponse>(ReferenceEqualityComparer.Instance);
        var deduplicator = new ResponseDeduplicator(_options.NearDuplicateJaccard);
        foreach (var group in survivors.GroupBy(r => r.PromptId, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(r => r.SampleIndex).ToList();
            string?[] verdicts = _options.Deduplicate ? deduplicator.Judge(ordered) : new string?[ordered.Count];
            int count = 0;
            for (int i = 0; i < ordered.Count; i++)
            {
                if (verdicts[i] is { } reason) { dropped[reason]++; continue; }
                if (_options.MaxPerPrompt > 0 && count >= _options.MaxPerPrompt) { dropped[OverCapReason]++; continue; }
                kept.Add(ordered[i]);
                count++;
            }
        }

        var keptInOrder = all.Where(kept.Contains).ToList();
        var statistics = new RejectionStatistics(
            all.Count,
            all.Select(r => r.PromptId).Distinct(StringComparer.Ordinal).Count(),
            keptInOrder.Count,
            keptInOrder.Select(r => r.PromptId).Distinct(StringComparer.Ordinal).Count(),
            dropped);
        return new RejectionResult(keptInOrder, statistics);
    }
}
