namespace R1Sharp.Training.Sft;

/// <summary>
/// The readable cold-start format of DeepSeek-R1 (paper §2.3.1, RECIPE §5):
/// <c>|special_token|&lt;reasoning_process&gt;|special_token|&lt;summary&gt;</c>, written with R1's own delimiters
/// <c>&lt;think&gt;</c>/<c>&lt;/think&gt;</c> by default. Applied to rows that carry the reasoning separately
/// (a <c>reasoning</c>/<c>reasoning_content</c> field, as DeepSeek's API returns it) so the assistant turn becomes
/// <c>&lt;think&gt;\nreasoning\n&lt;/think&gt;\n\nsummary</c>.
/// </summary>
/// <param name="OpenDelimiter">Text before the reasoning. Default <c>&lt;think&gt;</c> (R1).</param>
/// <param name="CloseDelimiter">Text between reasoning and summary. Default <c>&lt;/think&gt;</c> (R1).</param>
public sealed record ColdStartFormat(string OpenDelimiter = "<think>", string CloseDelimiter = "</think>")
{
    /// <summary>Writes reasoning and summary in this format.</summary>
    public string Compose(string reasoning, string summary)
    {
        ArgumentNullException.ThrowIfNull(reasoning);
        ArgumentNullException.ThrowIfNull(summary);
        return $"{OpenDelimiter}\n{reasoning.Trim()}\n{CloseDelimiter}\n\n{summary.Trim()}";
    }
}
