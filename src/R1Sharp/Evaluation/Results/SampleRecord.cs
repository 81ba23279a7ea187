using System.Text.Json.Serialization;

namespace R1Sharp.Evaluation.Results;

/// <summary>One judged sample: a line of <c>samples.jsonl</c> in the output directory.</summary>
/// <param name="QuestionId">The benchmark question's id (the id field, or the 1-based row number when there is none).</param>
/// <param name="SampleIndex">0-based index of this sample among the question's k samples.</param>
/// <param name="Response">The raw response text (reasoning included), or null when the backend failed.</param>
/// <param name="Extracted">The answer the judge found in the response, or null.</param>
/// <param name="Correct">The judge's verdict; false for failed samples.</param>
/// <param name="CompletionTokens">Generated tokens, or null when unknown (backend error).</param>
/// <param name="TokensEstimated">
/// True when <paramref name="CompletionTokens"/> is an estimate: OpenAI-compatible servers report one usage
/// total for a request with n &gt; 1, which is split over its choices in proportion to their length.
/// </param>
/// <param name="FinishReason">Why generation stopped (<c>stop</c>, <c>length</c>, ...), as the backend reported it.</param>
/// <param name="Error">Why this sample has no response (HTTP status, malformed reply, timeout) or could not be judged; null when fine.</param>
/// <param name="ToolCalls">Tool calls the sample made (<c>r1 eval --tools</c>), or null when tools were off.</param>
/// <param name="ToolFailures">Of those, the calls that failed, or null when tools were off.</param>
public sealed record SampleRecord(
    [property: JsonPropertyName("question_id")] string QuestionId,
    [property: JsonPropertyName("sample_index")] int SampleIndex,
    [property: JsonPropertyName("response")] string? Response,
    [property: JsonPropertyName("extracted")] string? Extracted,
    [property: JsonPropertyName("correct")] bool Correct,
    [property: JsonPropertyName("tokens")] int? CompletionTokens,
    [property: JsonPropertyName("tokens_estimated")] bool TokensEstimated,
    [property: JsonPropertyName("finish_reason")] string? FinishReason,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("tool_calls"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ToolCalls = null,
    [property: JsonPropertyName("tool_failures"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ToolFailures = null)
{
    /// <summary>True when generation hit the token limit instead of ending by itself.</summary>
    [JsonIgnore]
    public bool Truncated => string.Equals(FinishReason, "length", StringComparison.Ordinal);

    /// <summary>True when the backend produced no response for this sample (a rerun asks again).</summary>
    [JsonIgnore]
    public bool Failed => Response is null;
}
