namespace R1Sharp.Rewards.Format;

/// <summary>Where the opening <c>&lt;think&gt;</c> tag of a completion's reasoning is written.</summary>
public enum ThinkOpening
{
    /// <summary>
    /// Decided per completion: <see cref="InPrompt"/> when the prompt, trailing whitespace ignored, ends with the
    /// opening think tag, else <see cref="InCompletion"/>.
    /// </summary>
    Auto,

    /// <summary>The model writes <c>&lt;think&gt;</c> itself (R1-Zero's template ends the prompt with "Assistant:").</summary>
    InCompletion,

    /// <summary>
    /// The prompt already ends with <c>&lt;think&gt;\n</c> (the R1-Distill chat templates add it), so the completion
    /// starts inside the reasoning and must not open it again.
    /// </summary>
    InPrompt,
}
