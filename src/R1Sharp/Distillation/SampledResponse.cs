using System.Text.Json;
using System.Text.Json.Serialization;
using R1Sharp.Training.Sft;

namespace R1Sharp.Distillation;

/// <summary>
/// One teacher response to one prompt with its reward scores: a line of the JSONL that <c>r1 sample</c> writes
/// and the rejection filters read.
/// </summary>
/// <param name="PromptId">Stable id of the prompt (the row's <c>id</c> field, else its line number).</param>
/// <param name="SampleIndex">0-based index among the prompt's responses.</param>
/// <param name="Prompt">Messages given to the teacher.</param>
/// <param name="Response">The teacher's text (reasoning included, in <c>&lt;think&gt;</c> tags where the teacher
/// returned it separately).</param>
/// <param name="FinishReason"><c>stop</c> (ended by itself) or <c>length</c> (cut at the token limit).</param>
/// <param name="CompletionTokens">Tokens generated, when the teacher reports them.</param>
/// <param name="Rewards">Reward function name -> score (null where the function did not apply).</param>
/// <param name="Row">The source row's fields (gold answer etc.), for later scoring or evaluation.</param>
public sealed record SampledResponse(
    [property: JsonPropertyName("prompt_id")] string PromptId,
    [property: JsonPropertyName("sample_index")] int SampleIndex,
    [property: JsonPropertyName("prompt")] IReadOnlyList<ConversationTurn> Prompt,
    [property: JsonPropertyName("response")] string Response,
    [property: JsonPropertyName("finish_reason")] string FinishReason,
    [property: JsonPropertyName("completion_tokens")] int? CompletionTokens,
    [property: JsonPropertyName("rewards")] IReadOnlyDictionary<string, double?> Rewards,
    [property: JsonPropertyName("row")] IReadOnlyDictionary<string, JsonElement>? Row)
{
    /// <summary>Finish reason of a response cut at the token limit (OpenAI's name).</summary>
    public const string LengthFinish = "length";

    /// <summary>Finish reason of a response that ended by itself.</summary>
    public const string StopFinish = "stop";

    /// <summary>True when the response was cut at the token limit.</summary>
    [JsonIgnore]
    public bool Truncated => string.Equals(FinishReason, LengthFinish, StringComparison.Ordinal);

    /// <summary>The response split into reasoning and answer.</summary>
    [JsonIgnore]
    public ReasoningSplit Parts => ReasoningSplit.Of(Response);
}
