using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Training.Grpo;

/// <summary>The completions of one step, laid out group by group (G consecutive completions per prompt), with their rewards.</summary>
/// <param name="Prompts">The prompt of each group.</param>
/// <param name="PromptIds">Token ids of each group's prompt (after left truncation).</param>
/// <param name="Rollouts">All completions, G per group, in group order.</param>
/// <param name="Inputs">What the reward functions saw, one per completion.</param>
/// <param name="Scores">Their rewards.</param>
public sealed record SampledGroups(
    IReadOnlyList<PromptRow> Prompts,
    IReadOnlyList<IReadOnlyList<int>> PromptIds,
    IReadOnlyList<Rollout> Rollouts,
    IReadOnlyList<RewardInput> Inputs,
    RewardScores Scores)
{
    /// <summary>The groups <paramref name="groups"/> (indices, in the order given) with their completions and rewards.</summary>
    /// <param name="groups">Group indices; a subset, a reordering, or both.</param>
    /// <param name="groupSize">Completions per group (G).</param>
    public SampledGroups OfGroups(IReadOnlyList<int> groups, int groupSize)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var completions = groups.SelectMany(k => Enumerable.Range(k * groupSize, groupSize)).ToList();
        return new SampledGroups(
            [.. groups.Select(k => Prompts[k])],
            [.. groups.Select(k => PromptIds[k])],
            [.. completions.Select(i => Rollouts[i])],
            [.. completions.Select(i => Inputs[i])],
            Scores.Subset(completions));
    }
}
