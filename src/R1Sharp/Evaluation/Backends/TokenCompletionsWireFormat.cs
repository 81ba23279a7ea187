using System.Text.Json;
using System.Text.Json.Nodes;

namespace R1Sharp.Evaluation.Backends;

/// <summary>
/// OpenAI's <c>POST /completions</c> with token ids both ways, as vLLM (0.10.2 and later) and <c>r1 serve</c> take it:
/// the prompt is a list of ids and <c>return_token_ids</c> asks for the generated ids beside the text. The tool loop of
/// <see cref="ToolCallingEndpointBackend"/> works on ids, so no text is tokenized again between turns. A reply is
/// untrusted input: every field is checked before use.
/// </summary>
internal static class TokenCompletionsWireFormat
{
    /// <summary>One choice: its generated ids, finish reason and vLLM's <c>stop_reason</c> (the stop string that ended it, if it says); or why the server cannot serve the loop.</summary>
    public sealed record Reply(int[] Tokens, string? FinishReason, string? StopString, string? Unsupported = null);

    public static string BuildRequest(string model, IReadOnlyList<int> prompt, int maxTokens, double temperature, double topP, long seed, IReadOnlyList<string> stop)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["prompt"] = new JsonArray([.. prompt.Select(id => (JsonNode)id)]),
            ["n"] = 1,
            ["max_tokens"] = maxTokens,
            ["temperature"] = temperature,
            ["top_p"] = topP,
            ["seed"] = seed,
            ["stop"] = new JsonArray([.. stop.Select(s => (JsonNode)s)]),
            ["return_token_ids"] = true,
        };
        return body.ToJsonString();
    }

    /// <summary>
    /// Reads a 200 reply. Not JSON, or no choice: <paramref name="malformed"/> says so (retried as a transient failure).
    /// A choice without <c>token_ids</c> is a server that does not return ids: the reply's <see cref="Reply.Unsupported"/> says so (not retried).
    /// </summary>
    public static Reply? ParseReply(string json, out string? malformed)
    {
        malformed = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array
                || choices.GetArrayLength() == 0 || choices[0].ValueKind != JsonValueKind.Object)
            {
                malformed = $"malformed reply: no 'choices' array with a choice; body starts '{RetryingJsonPost.Preview(json)}'";
                return null;
            }
            var choice = choices[0];
            if (!choice.TryGetProperty("token_ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
            {
                return new Reply([], null, null,
                    "the server returned no 'token_ids': the tool loop needs a server that honours 'return_token_ids' on /completions (vLLM 0.10.2 or later, r1 serve)");
            }
            var tokens = new int[ids.GetArrayLength()];
            int i = 0;
            foreach (var id in ids.EnumerateArray())
            {
                if (!id.TryGetInt32(out tokens[i++]))
                {
                    malformed = $"malformed reply: 'token_ids' holds {id.GetRawText()}, not a token id";
                    return null;
                }
            }
            string? finish = choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            string? stop = choice.TryGetProperty("stop_reason", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return new Reply(tokens, finish, stop);
        }
        catch (JsonException e)
        {
            malformed = $"malformed reply: not JSON ({e.Message}); body starts '{RetryingJsonPost.Preview(json)}'";
            return null;
        }
    }
}
