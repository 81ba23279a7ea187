using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Training.Rollouts;

/// <summary>
/// Samples with the policy itself through <see cref="BatchedGenerator"/>, in chunks of at most <paramref name="maxBatchSize"/>
/// sequences. Each rollout's log-probs are taken at the sampling temperature (before top-p), the distribution GRPO's
/// training forward computes them under.
/// </summary>
/// <param name="policy">The model being trained (shared, so updates are seen immediately).</param>
/// <param name="maxBatchSize">Most sequences generated at once (bounds KV-cache memory). Default <see cref="DefaultMaxBatchSize"/>.</param>
/// <param name="tools">Multi-turn rollouts with tool calls (issue 20), or null (default) for single-turn completions.</param>
public sealed class InProcessRolloutEngine(CausalLanguageModel policy, int maxBatchSize = InProcessRolloutEngine.DefaultMaxBatchSize, ToolCallingRollouts? tools = null) : IRolloutEngine
{
    /// <summary>Most sequences generated at once unless the constructor says otherwise: 256.</summary>
    public const int DefaultMaxBatchSize = 256;

    private readonly BatchedGenerator _generator = new(policy);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Rollout>> GenerateAsync(IReadOnlyList<IReadOnlyList<int>> prompts, RolloutSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(settings);
        var options = new SamplingOptions
        {
            MaxNewTokens = settings.MaxNewTokens,
            Temperature = settings.Temperature,
            TopP = settings.TopP,
            EosIds = settings.EosIds,
            PadId = settings.PadId,
            SampleableIds = settings.SampleableIds,
            SamplingLogProbs = SamplingLogProbKind.TemperatureScaled,
        };
        if (settings.GroupSeeds is { } groups)
        {
            if (tools is not null) throw new NotSupportedException("RolloutSettings.GroupSeeds: multi-turn tool rollouts seed by request only (SeedsEachGroup is false)");
            return GenerateByGroups(prompts, options, groups, cancellationToken);
        }
        if (tools is not null) return await tools.GenerateAsync(_generator, prompts, options, maxBatchSize, settings.Seed, cancellationToken).ConfigureAwait(false);
        var results = new List<Rollout>(prompts.Count);
        foreach (var chunk in ChunkedGeneration.Generate(_generator, prompts, maxBatchSize, options, (index, _) => settings.Seed + index * 7_777L, cancellationToken))
            foreach (var s in chunk.Sequences)
                results.Add(new Rollout(chunk.Start + s.PromptIndex, s.Tokens, s.SamplingLogProbs, s.FinishReason == FinishReason.Length));
        return results;
    }

    /// <inheritdoc />
    /// <remarks>Single-turn rollouts only: multi-turn tool rollouts seed each round from the request's seed.</remarks>
    public bool SeedsEachGroup => tools is null;

    // Chunks of whole groups (at most maxBatchSize rows, at least one group), each group drawing from its own generator:
    // a group's samples do not depend on the chunking or on the other groups.
    private List<Rollout> GenerateByGroups(IReadOnlyList<IReadOnlyList<int>> prompts, SamplingOptions options, GroupSeeds groups, CancellationToken cancellationToken)
    {
        if (groups.Rows != prompts.Count)
            throw new ArgumentException($"RolloutSettings.GroupSeeds cover {groups.Rows} prompts, but the request has {prompts.Count}", nameof(prompts));
        int groupsPerChunk = Math.Max(1, maxBatchSize / groups.RowsPerGroup);
        var results = new List<Rollout>(prompts.Count);
        for (int first = 0; first < groups.Seeds.Count; first += groupsPerChunk)
        {
            int count = Math.Min(groupsPerChunk, groups.Seeds.Count - first), start = first * groups.RowsPerGroup;
            var part = prompts.Skip(start).Take(count * groups.RowsPerGroup).ToList();
            foreach (var s in _generator.Generate(part, options with { GroupSeeds = groups.Slice(first, count) }, cancellationToken))
                results.Add(new Rollout(start + s.PromptIndex, s.Tokens, s.SamplingLogProbs, s.FinishReason == FinishReason.Length));
        }
        return results;
    }

    /// <inheritdoc />
    public Task OnPolicyUpdatedAsync(int step, CancellationToken cancellationToken) => Task.CompletedTask;
}
