using R1Sharp.Evaluation.Backends;

namespace R1Sharp.Evaluation.Results;

/// <summary>
/// The settings that make samples comparable, stored as <c>run.json</c> in the output directory: resuming with
/// other settings would silently mix two experiments in one result, so it is refused.
/// </summary>
/// <param name="Temperature">Sampling temperature.</param>
/// <param name="TopP">Nucleus mass.</param>
/// <param name="MaxTokens">Token limit per response.</param>
/// <param name="PromptSuffix">Instruction appended to each question.</param>
/// <param name="SystemPrompt">System prompt, or null.</param>
/// <param name="Tools">The tools and their limits (<c>r1 eval --tools</c>), or null without tools (and in run.json files written before tools existed).</param>
public sealed record RunSettings(double Temperature, double TopP, int MaxTokens, string PromptSuffix, string? SystemPrompt, string? Tools = null)
{
    /// <summary>The settings of <paramref name="options"/>.</summary>
    public static RunSettings Of(EvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        SamplingParameters s = options.Sampling;
        return new RunSettings(s.Temperature, s.TopP, s.MaxTokens, options.PromptSuffix, options.SystemPrompt, options.Tools?.ToString());
    }

    /// <summary>Human-readable differences from <paramref name="other"/> (empty when equal).</summary>
    public IReadOnlyList<string> DifferencesFrom(RunSettings other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var differences = new List<string>();
        if (Temperature != other.Temperature) differences.Add($"temperature {other.Temperature} -> {Temperature}");
        if (TopP != other.TopP) differences.Add($"top_p {other.TopP} -> {TopP}");
        if (MaxTokens != other.MaxTokens) differences.Add($"max_tokens {other.MaxTokens} -> {MaxTokens}");
        if (PromptSuffix != other.PromptSuffix) differences.Add($"prompt suffix \"{other.PromptSuffix}\" -> \"{PromptSuffix}\"");
        if (SystemPrompt != other.SystemPrompt) differences.Add("system prompt changed");
        if (Tools != other.Tools) differences.Add($"tools {other.Tools ?? "none"} -> {Tools ?? "none"}");
        return differences;
    }
}
