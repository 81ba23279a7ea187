namespace R1Sharp.Rewards.Composition;

/// <summary>
/// The one rule for reward weights. A weight may be written in the reward list (<c>format:0.5</c>) or in
/// <c>reward_weights</c> (TRL's option, here keyed by reward name); where both give one they must agree. Every
/// name may appear once in the list, and every name in <c>reward_weights</c> must be one of the rewards: a typo
/// there would otherwise leave a weight silently unused.
/// </summary>
public static class RewardWeighting
{
    /// <summary>Refuses a reward list that names a reward twice (names are case-insensitive).</summary>
    /// <exception cref="RewardConfigurationException">A name is repeated; the message names it.</exception>
    public static void ThrowIfRepeated(IEnumerable<RewardSpec> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (RewardSpec spec in specs)
            if (!seen.Add(spec.Name))
                throw new RewardConfigurationException($"Reward '{spec.Name}' is listed twice; each reward may appear once (give its weight in one place).");
    }

    /// <summary>
    /// The specs with <paramref name="rewardWeights"/> applied: a spec without a written weight takes the one from
    /// <paramref name="rewardWeights"/>; a spec whose written weight differs from it is an error.
    /// </summary>
    /// <param name="specs">The reward list.</param>
    /// <param name="rewardWeights">Weights by reward name (case-insensitive); empty for none.</param>
    /// <exception cref="RewardConfigurationException">A repeated name, a name in <paramref name="rewardWeights"/> that is not in the list, or two different weights for one reward.</exception>
    public static IReadOnlyList<RewardSpec> Apply(IReadOnlyList<RewardSpec> specs, IReadOnlyDictionary<string, double> rewardWeights)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(rewardWeights);
        ThrowIfRepeated(specs);
        ThrowIfUnknown(rewardWeights, specs.Select(s => s.Name).ToList());
        return [.. specs.Select(spec =>
        {
            if (WeightOf(rewardWeights, spec.Name) is not { } weight) return spec;
            if (spec.HasWeight && spec.Weight != weight)
                throw new RewardConfigurationException(
                    $"Reward '{spec.Name}' has weight {spec.Weight} in the reward list and {weight} in reward_weights.{spec.Name}; give it in one place, or the same in both.");
            return spec with { Weight = weight, HasWeight = true };
        })];
    }

    /// <summary>Weighs fixed functions by <paramref name="rewardWeights"/>; a function it does not name weighs 1.</summary>
    /// <exception cref="RewardConfigurationException">A name in <paramref name="rewardWeights"/> that no function has.</exception>
    public static IReadOnlyList<WeightedReward> Weigh(IReadOnlyList<IRewardFunction> functions, IReadOnlyDictionary<string, double> rewardWeights)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(rewardWeights);
        ThrowIfUnknown(rewardWeights, functions.Select(f => f.Name).ToList());
        return [.. functions.Select(f => new WeightedReward(f, WeightOf(rewardWeights, f.Name) ?? 1.0))];
    }

    private static void ThrowIfUnknown(IReadOnlyDictionary<string, double> rewardWeights, List<string> names)
    {
        foreach (string key in rewardWeights.Keys)
            if (!names.Contains(key, StringComparer.OrdinalIgnoreCase))
                throw new RewardConfigurationException(
                    $"reward_weights.{key}: there is no reward '{key}'; the rewards are {string.Join(", ", names)}.");
    }

    private static double? WeightOf(IReadOnlyDictionary<string, double> rewardWeights, string name)
    {
        double? found = null;
        foreach (var (key, weight) in rewardWeights)
        {
            if (!string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) continue;
            if (found is { } other && other != weight)
                throw new RewardConfigurationException($"reward_weights gives '{name}' twice ({other} and {weight}).");
            found = weight;
        }
        return found;
    }
}
