using R1Sharp.Rewards;
using R1Sharp.Rewards.Accuracy;
using R1Sharp.Rewards.Composition;

namespace R1Sharp.Distillation;

/// <summary>Builds the reward functions that score teacher responses from a list such as
/// <c>accuracy,format,language:target=en</c>: <c>accuracy</c> is the verifier-backed accuracy reward (gold in
/// the row's <c>answer</c> field), every other name comes from the reward registry.</summary>
public static class RewardSelection
{
    /// <summary>The rewards named in <paramref name="list"/> (weights, if written, are ignored: each score is kept apart).</summary>
    /// <exception cref="RewardConfigurationException">Unknown name or option (the message lists the known ones).</exception>
    public static IReadOnlyList<IRewardFunction> Create(string list, string answerField = "answer")
    {
        ArgumentNullException.ThrowIfNull(list);
        if (string.IsNullOrWhiteSpace(list)) return [];
        var registry = RewardRegistry.CreateDefault();
        var rewards = new List<IRewardFunction>();
        foreach (var spec in RewardSpec.ParseList(list))
        {
            rewards.Add(string.Equals(spec.Name, "accuracy", StringComparison.OrdinalIgnoreCase)
                ? new AccuracyReward(new AccuracyRewardOptions { AnswerField = answerField })
                : registry.Create(spec));
        }
        return rewards;
    }
}
