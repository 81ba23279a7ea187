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
    RewardScores Scores);
