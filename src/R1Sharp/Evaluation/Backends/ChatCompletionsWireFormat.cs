using System.Text.Json;
using System.Text.Json.Nodes;

namespace R1Sharp.Evaluation.Backends;

/// <summary>
/// The JSON of OpenAI's <c>POST /chat/completions</c>: builds requests and reads replies defensively (a server's
/// reply is untrusted input: every field is checked for presence and kind before use).
/// </summary>
internal static class ChatCompletionsWireFormat
{
    public static string BuildRequest(string model, CompletionRequest request)
    {
        var messages = new JsonArray();
        foreach (var message in request.Messages)
            messages.Add(new JsonObject { ["role"] = message.Role, ["content"] = message.Content });
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = messages,
            ["n"] = request.Count,
            ["temperature"] = request.Sampling.Temperature,
            ["top_p"] = request.Sampling.TopP,
            ["max_tokens"] = request.Sampling.MaxTokens,
        };
        if (request.Sampling.Seed is { } seed) body["seed"] = seed;
        return body.ToJsonString();
    }

    /// <summary>
    /// Reads a 200 reply into exactly <paramref name="count"/> completions. A reply that is not JSON, has no
    /// <c>choices</c> array, fewer choices than asked, or a choice without a message or text is malformed (a truncated
    /// or broken body from a flaky server or proxy): <paramref name="problem"/> then says what was wrong, and the
    /// completions carry it as their error where no good choice came back.
    /// </summary>
    public static IReadOnlyList<Completion> ParseReply(string json, int count, out string? problem)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            problem = $"malformed reply: not JSON ({e.Message}); body starts '{Preview(json)}'";
            return Repeat(count, problem);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
            {
                problem = $"malformed reply: no 'choices' array; body starts '{Preview(json)}'";
                return Repeat(count, problem);
            }

            var results = new Completion?[count];
            int position = 0;
            foreach (var choice in choices.EnumerateArray())
            {
                // Servers number choices with 'index'; fall back to their order when it is absent or out of range.
                int slot = choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("index", out var index)
                    && index.TryGetInt32(out int i) && i >= 0 && i < count && results[i] is null ? i : position;
                position++;
                if (slot >= count || results[slot] is not null) continue;
                results[slot] = ParseChoice(choice, slot);
            }
            ApportionTokens(results, root);
            for (int i = 0; i < count; i++)
                results[i] ??= Completion.Failure($"malformed reply: the server returned {choices.GetArrayLength()} of {count} choices");
            problem = results.FirstOrDefault(r => r!.Error is not null)?.Error;
            return results!;
        }
    }

    private static Completion ParseChoice(JsonElement choice, int slot)
    {
        if (choice.ValueKind != JsonValueKind.Object || !choice.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
            return Completion.Failure($"malformed reply: choice {slot} has no 'message' object");
        string? content = message.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        // vLLM's and DeepSeek's reasoning parsers return the chain of thought apart from the answer; put it back in
        // <think> tags so the verifier sees the same text as from a server without a parser (answer after </think>).
        string? reasoning = ReasoningOf(message);
        if (content is null && reasoning is null)
            return Completion.Failure($"malformed reply: choice {slot} has no text content");
        string text = reasoning is null ? content! : $"<think>\n{reasoning}\n</think>\n\n{content}";
        string? finish = choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        return new Completion(text, null, false, finish, null);
    }

    private static string? ReasoningOf(JsonElement message)
    {
        foreach (string name in (ReadOnlySpan<string>)["reasoning_content", "reasoning"])
            if (message.TryGetProperty(name, out var r) && r.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(r.GetString()))
                return r.GetString();
        return null;
    }

    /// <summary>
    /// The protocol reports one <c>usage.completion_tokens</c> for all choices: exact for n = 1, otherwise split
    /// in proportion to each choice's length in characters and flagged as an estimate.
    /// </summary>
    private static void ApportionTokens(Completion?[] results, JsonElement root)
    {
        if (!root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object
            || !usage.TryGetProperty("completion_tokens", out var tokens) || !tokens.TryGetInt32(out int total) || total < 0)
            return;
        var ok = Enumerable.Range(0, results.Length).Where(i => results[i]?.Text is not null).ToList();
        if (ok.Count == 0) return;
        if (ok.Count == 1 && results.Length == 1)
        {
            results[ok[0]] = results[ok[0]]! with { CompletionTokens = total };
            return;
        }
        long characters = ok.Sum(i => (long)results[i]!.Text!.Length);
        foreach (int i in ok)
        {
            double share = characters == 0 ? 1.0 / ok.Count : (double)results[i]!.Text!.Length / characters;
            results[i] = results[i]! with { CompletionTokens = (int)Math.Round(total * share), TokensEstimated = true };
        }
    }

    private static Completion[] Repeat(int count, string error) =>
        Enumerable.Range(0, count).Select(_ => Completion.Failure(error)).ToArray();

    internal static string Preview(string text) => RetryingJsonPost.Preview(text);
}
