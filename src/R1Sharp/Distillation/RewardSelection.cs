using R1Sharp.Rewards;
using R1Sharp.Rewards.Accuracy;
using R1Sharp.Rewards.Composition;

namespace R1Sharp.Distillation;

/// <summary>Builds the reward functions that score teacher responses from a list such as
/// <c>accuracy,format,language:target=en</c>: <c>accuracy</c> is the verifier-backed accuracy reward (gold in
/// the row's <c>answer</c> field), every other name comes from the reward registry.</summary>
public static class RewardSelection
{
    /// <summary>A composer of the rewards named in <paramref name="list"/> (weights, if written, are kept but unused: each score is kept apart); null for an empty list.</summary>
    /// <exception cref="RewardConfigurationException">Unknown name or option (the message lists the known ones), or a name given twice.</exception>
    public static RewardComposer? Create(string list, string answerField = "answer")
    {
        ArgumentNullException.ThrowIfNull(list);
        if (string.IsNullOrWhiteSpace(list)) return null;
        var registry = RewardRegistry.CreateDefault();
        var specs = RewardSpec.ParseList(list);
        RewardWeighting.ThrowIfRepeated(specs);
        return new RewardComposer(specs.Select(spec => new WeightedReward(
            string.Equals(spec.Name, "accuracy", StringComparison.OrdinalIgnoreCase)
                ? new AccuracyReward(new AccuracyRewardOptions { AnswerField = answerField })
                : registry.Create(spec), spec.Weight)));
    }
}
