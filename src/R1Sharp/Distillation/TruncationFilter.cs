namespace R1Sharp.Distillation;

/// <summary>
/// Drops responses cut at the token limit, and responses whose reasoning was never closed (no
/// <c>&lt;/think&gt;</c>): training on them teaches the student to stop mid-thought.
/// </summary>
/// <param name="RequireClosedReasoning">Also drop responses without <c>&lt;/think&gt;</c>. Default true.</param>
public sealed record TruncationFilter(bool RequireClosedReasoning = true) : IResponseFilter
{
    /// <inheritdoc />
    public string Name => "truncated";

    /// <inheritdoc />
    public bool Keep(SampledResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return !response.Truncated && (!RequireClosedReasoning || response.Parts.HasClosedReasoning);
    }
}
