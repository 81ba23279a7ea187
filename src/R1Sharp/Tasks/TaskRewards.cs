using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;
using R1Sharp.Rewards.Format;

namespace R1Sharp.Tasks;

/// <summary>The rewards of R1-Zero on the built-in tasks (RECIPE §3): accuracy under each family's checker, and the format.</summary>
public static class TaskRewards
{
    /// <summary>
    /// R1-Zero's format check as the registry's <c>format</c> reward configured for the R1-Zero template: the model
    /// writes <c>&lt;think&gt;</c> itself (the template ends with "Assistant:"), and empty sections still count,
    /// exactly as the paper's rule (<c>&lt;think&gt;…&lt;/think&gt; &lt;answer&gt;…&lt;/answer&gt;</c>, each tag once,
    /// whitespace around allowed) reads.
    /// </summary>
    public static FormatRewardOptions R1ZeroFormatOptions { get; } = new() { ThinkOpening = ThinkOpening.InCompletion, RequireContent = false };

    /// <summary>A new R1-Zero format reward (name <c>format</c>).</summary>
    public static FormatReward CreateFormat() => new(R1ZeroFormatOptions);

    /// <summary>
    /// A composer of <see cref="TaskAccuracyReward"/> (<c>accuracy</c>) and <see cref="CreateFormat"/> (<c>format</c>),
    /// weighted by <paramref name="rewardWeights"/> (GRPO's <c>reward_weights</c>; a reward it does not name weighs 1).
    /// </summary>
    /// <exception cref="RewardConfigurationException"><paramref name="rewardWeights"/> names a reward other than accuracy and format.</exception>
    public static RewardComposer CreateComposer(TaskSuite suite, IReadOnlyDictionary<string, double> rewardWeights)
    {
        ArgumentNullException.ThrowIfNull(suite);
        return new RewardComposer(RewardWeighting.Weigh([new TaskAccuracyReward(suite.Tasks), CreateFormat()], rewardWeights));
    }
}
