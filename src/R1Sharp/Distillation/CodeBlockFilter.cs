using System.Text.RegularExpressions;

namespace R1Sharp.Distillation;

/// <summary>
/// Drops responses with fenced code blocks (<c>```</c> or <c>~~~</c>) in the chain of thought, which R1 filtered
/// out of its reasoning data (paper §2.3.3). Code in the final answer is allowed (code tasks need it).
/// </summary>
public sealed partial record CodeBlockFilter : IResponseFilter
{
    /// <inheritdoc />
    public string Name => "code_in_reasoning";

    /// <inheritdoc />
    public bool Keep(SampledResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return !Fence().IsMatch(response.Parts.Reasoning);
    }

    // A fence opens a line (after optional indentation) with three backticks or tildes.
    [GeneratedRegex(@"^[ \t]*(```|~~~)", RegexOptions.Multiline)]
    private static partial Regex Fence();
}
