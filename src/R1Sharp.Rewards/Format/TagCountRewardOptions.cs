namespace R1Sharp.Rewards.Format;

/// <summary>Options of <see cref="TagCountReward"/>.</summary>
public sealed record TagCountRewardOptions
{
    /// <summary>
    /// Where <c>&lt;think&gt;</c> is opened. Default <see cref="ThinkOpening.Auto"/> (detected from the prompt). When the
    /// prompt opens it, the completion earns that tag's 0.25 by not writing it again.
    /// </summary>
    public ThinkOpening ThinkOpening { get; init; } = ThinkOpening.Auto;

    /// <summary>
    /// A tag also has to stand on its own line (only spaces or tabs between it and the neighbouring line breaks or
    /// the completion's ends). Default false. open-r1's <c>tag_count_reward</c> asks for the newlines, e.g.
    /// <c>"\n&lt;/think&gt;\n"</c>; set true for that habit.
    /// </summary>
    public bool RequireOwnLine { get; init; }

    /// <summary>Tag names. Default <c>think</c> / <c>answer</c>.</summary>
    public ReasoningTags Tags { get; init; } = ReasoningTags.Default;
}
