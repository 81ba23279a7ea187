using System.Text.Json;

namespace R1Sharp.Rewards;

/// <summary>What a reward function sees of one sampled completion.</summary>
/// <param name="Prompt">The prompt text as given to the model (after the template).</param>
/// <param name="Completion">The generated text, special tokens removed.</param>
/// <param name="Row">The data-set row the prompt came from (e.g. <c>answer</c>, <c>verification_info</c>). Immutable and thread-safe.</param>
/// <param name="CompletionTokens">Number of generated tokens.</param>
/// <param name="Truncated">True when generation stopped at the token limit rather than at EOS or a stop string.</param>
public sealed record RewardInput(
    string Prompt,
    string Completion,
    IReadOnlyDictionary<string, JsonElement> Row,
    int CompletionTokens = 0,
    bool Truncated = false)
{
    /// <summary>The row's field as a string (strings as-is, numbers as written, other kinds as raw JSON), or null.</summary>
    public string? Field(string name) =>
        Row.TryGetValue(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            }
            : null;
}
