namespace R1Sharp.Rewards.Format;

/// <summary>Options of <see cref="FormatReward"/>.</summary>
public sealed record FormatRewardOptions
{
    /// <summary>
    /// The layout that scores 1. Default <see cref="FormatMode.Strict"/>: R1-Zero's
    /// <c>&lt;think&gt;…&lt;/think&gt;&lt;answer&gt;…&lt;/answer&gt;</c> (DeepSeek-R1 §2.2.2; open-r1's <c>format</c>).
    /// </summary>
    public FormatMode Mode { get; init; } = FormatMode.Strict;

    /// <summary>
    /// Where <c>&lt;think&gt;</c> is opened. Default <see cref="ThinkOpening.Auto"/>: detected from the prompt, so
    /// one configuration serves the R1-Zero template and the R1-Distill chat templates (which end with <c>&lt;think&gt;\n</c>).
    /// </summary>
    public ThinkOpening ThinkOpening { get; init; } = ThinkOpening.Auto;

    /// <summary>
    /// In <see cref="FormatMode.Strict"/> and <see cref="FormatMode.ThinkOnly"/>, the reasoning and the answer must hold
    /// something other than whitespace. Default true: an empty <c>&lt;think&gt;&lt;/think&gt;</c> is the cheapest way to
    /// collect the reward without reasoning. open-r1's regex accepts empty sections (set false for parity).
    /// </summary>
    public bool RequireContent { get; init; } = true;

    /// <summary>Tag names. Default <c>think</c> / <c>answer</c> (DeepSeek-R1).</summary>
    public ReasoningTags Tags { get; init; } = ReasoningTags.Default;
}
