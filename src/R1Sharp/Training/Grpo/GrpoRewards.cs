using R1Sharp.Rewards.Composition;
using R1Sharp.Training.Configuration;

namespace R1Sharp.Training.Grpo;

/// <summary>The reward composer of <c>r1 grpo</c>: the <c>--reward</c> list with <c>reward_weights</c> applied.</summary>
public static class GrpoRewards
{
    /// <summary>
    /// Builds the composer. One rule for weights (<see cref="RewardWeighting"/>): a weight may be written in the list
    /// (<c>format:0.5</c>) or in <c>reward_weights</c>, and where both give one they must agree; a name listed twice,
    /// or a <c>reward_weights</c> name that is not in the list, is refused.
    /// </summary>
    /// <param name="spec">The <c>--reward</c> list, e.g. <c>accuracy,format:0.2</c>.</param>
    /// <param name="options">The GRPO options (for <c>reward_weights</c>).</param>
    /// <returns>A composer that owns its functions (dispose it).</returns>
    /// <exception cref="ConfigurationException">The list or the weights are invalid; the message names the reward.</exception>
    public static RewardComposer Create(string spec, GrpoOptions options) => Create(spec, options, null);

    /// <summary>Builds the composer from <paramref name="registry"/>, which may hold rewards beyond the built-in ones
    /// (the model-based <c>reward_model</c> and <c>judge</c> in docs/reward-models.md, registered by a layer above this one).</summary>
    /// <param name="spec">The <c>--reward</c> list.</param>
    /// <param name="options">The GRPO options (for <c>reward_weights</c>).</param>
    /// <param name="registry">Where reward names are looked up; null for <see cref="RewardRegistry.CreateDefault"/>.</param>
    /// <exception cref="ConfigurationException">The list or the weights are invalid; the message names the reward.</exception>
    public static RewardComposer Create(string spec, GrpoOptions options, RewardRegistry? registry)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            var specs = RewardWeighting.Apply(RewardSpec.ParseList(spec), options.RewardWeights);
            return new RewardComposer((registry ?? RewardRegistry.CreateDefault()).CreateWeighted(specs));
        }
        catch (RewardConfigurationException e)
        {
            throw new ConfigurationException($"--reward '{spec}': {e.Message}", e);
        }
    }
}
