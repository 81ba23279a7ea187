namespace R1Sharp.Rewards.Format;

/// <summary>Which completion layout <see cref="FormatReward"/> accepts.</summary>
public enum FormatMode
{
    /// <summary>
    /// The whole completion is <c>&lt;think&gt;…&lt;/think&gt;</c> followed by <c>&lt;answer&gt;…&lt;/answer&gt;</c>,
    /// with only whitespace around and between them and exactly one of each tag (R1-Zero's template, RECIPE §4).
    /// </summary>
    Strict,

    /// <summary>
    /// The four tags occur in order somewhere in the completion; other text may surround them and content is not
    /// checked (open-r1's "soft" format reward, useful as a shaping signal early in training).
    /// </summary>
    Lenient,

    /// <summary>
    /// Exactly one <c>&lt;think&gt;…&lt;/think&gt;</c> block followed by a non-empty final answer without tags
    /// (DeepSeek-R1's and the R1-Distill models' output format).
    /// </summary>
    ThinkOnly,
}
