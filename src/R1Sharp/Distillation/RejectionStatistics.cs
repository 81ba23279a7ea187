using System.Text.Json.Serialization;

namespace R1Sharp.Distillation;

/// <summary>What rejection sampling kept and dropped, and why (written as stats JSON next to the output).</summary>
/// <param name="Responses">Responses read.</param>
/// <param name="Prompts">Distinct prompts read.</param>
/// <param name="Kept">Responses kept.</param>
/// <param name="PromptsKept">Prompts with at least one kept response.</param>
/// <param name="Dropped">Drop reason -> responses dropped for it (each counted under the first rule it failed),
/// in rule order.</param>
public sealed record RejectionStatistics(
    [property: JsonPropertyName("responses")] int Responses,
    [property: JsonPropertyName("prompts")] int Prompts,
    [property: JsonPropertyName("kept")] int Kept,
    [property: JsonPropertyName("prompts_kept")] int PromptsKept,
    [property: JsonPropertyName("dropped")] IReadOnlyDictionary<string, int> Dropped)
{
    /// <summary>Responses without a rule-based correctness score that the generative judge scored (<c>r1 filter --judge</c>).</summary>
    [JsonPropertyName("judged")]
    public int Judged { get; init; }

    /// <summary>Of those, judgements that failed (no reply after retries, or no readable verdict): their correctness
    /// stays unknown, so they are dropped as incorrect, never scored 0 silently.</summary>
    [JsonPropertyName("judge_failures")]
    public int JudgeFailures { get; init; }

    /// <summary>Share of responses kept.</summary>
    [JsonPropertyName("keep_rate")]
    public double KeepRate => Responses == 0 ? 0 : (double)Kept / Responses;
}
