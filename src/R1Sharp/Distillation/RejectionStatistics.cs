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
    /// <summary>Share of responses kept.</summary>
    [JsonPropertyName("keep_rate")]
    public double KeepRate => Responses == 0 ? 0 : (double)Kept / Responses;
}
