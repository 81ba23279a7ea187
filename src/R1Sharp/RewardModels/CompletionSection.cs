namespace R1Sharp.RewardModels;

/// <summary>
/// Which part of a completion a model-based reward sees. DeepSeek-R1's last RL stage judges helpfulness on the
/// summary only, so the reward does not disturb the reasoning, and harmlessness on the whole response, reasoning included.
/// </summary>
public enum CompletionSection
{
    /// <summary>The whole completion, reasoning included (harmlessness).</summary>
    Whole,

    /// <summary>The text after the last <c>&lt;/think&gt;</c> (helpfulness); a completion without one has no separate
    /// reasoning, so all of it is the summary (the convention of Distillation's ReasoningSplit, read from the other side).</summary>
    Summary,
}

/// <summary>Cuts the section of <see cref="CompletionSection"/> out of a completion.</summary>
public static class CompletionSections
{
    private const string Close = "</think>";

    /// <summary>The part of <paramref name="completion"/> that <paramref name="section"/> names, trimmed.</summary>
    public static string Select(string completion, CompletionSection section)
    {
        ArgumentNullException.ThrowIfNull(completion);
        if (section == CompletionSection.Whole) return completion;
        int close = completion.LastIndexOf(Close, StringComparison.Ordinal);
        return (close < 0 ? completion : completion[(close + Close.Length)..]).Trim();
    }
}
