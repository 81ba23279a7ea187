using System.Globalization;
using System.Text.Json;
using R1Sharp.Text;

namespace R1Sharp.Training.Rollouts;

/// <summary>
/// One <c>/v1/completions</c> exchange with a rollout server: the request body for its backend and the rollout read from
/// the answer. Token ids come from <c>choices[0].token_ids</c> (<c>r1 serve</c>, vLLM's <c>return_token_ids</c>), else from
/// <c>logprobs.tokens</c> written as <c>token_id:N</c> (vLLM's <c>return_tokens_as_token_ids</c>), else the text is
/// re-tokenized with the policy's tokenizer (SGLang's OpenAI endpoint returns token text only). Sampled log-probs come from
/// <c>logprobs.token_logprobs</c> (the legacy completions format of vLLM and SGLang) or <c>logprobs.content[].logprob</c>;
/// when their count differs from the tokens' (a re-tokenization that split the text differently) they are dropped and that
/// completion is not corrected.
/// </summary>
internal static class RemoteCompletion
{
    private const string TokenIdPrefix = "token_id:";

    /// <summary>The request body (null fields left out).</summary>
    public static string Body(RemoteRolloutOptions options, IReadOnlyList<int> prompt, int index, RolloutSettings settings)
    {
        bool vllm = options.Backend == RolloutBackend.Vllm;
        bool wantLogProbs = options.Backend != RolloutBackend.R1; // r1 serve reports temperature-1 log-probs and runs R1Sharp's own kernels
        var fields = new Dictionary<string, object?>
        {
            ["model"] = vllm && options.AdapterOnly ? options.AdapterName : options.ModelName,
            ["prompt"] = prompt,
            ["max_tokens"] = settings.MaxNewTokens,
            ["temperature"] = settings.Temperature,
            ["top_p"] = settings.TopP,
            ["seed"] = settings.Seed + index,
            ["return_token_ids"] = options.Backend == RolloutBackend.Sglang ? null : true,
            ["logprobs"] = wantLogProbs ? 1 : null,
            ["return_tokens_as_token_ids"] = vllm ? true : null,
        };
        return JsonSerializer.Serialize(fields.Where(kv => kv.Value is not null).ToDictionary());
    }

    /// <summary>Reads the rollout from a response body.</summary>
    /// <exception cref="InvalidDataException">The body is not a completion (names <paramref name="uri"/>).</exception>
    public static Rollout Parse(string json, int index, RolloutSettings settings, ITextTokenizer tokenizer, Uri uri)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var choice = document.RootElement.GetProperty("choices")[0];
            bool truncated = choice.TryGetProperty("finish_reason", out var finish) && finish.GetString() == "length";
            var logprobs = choice.TryGetProperty("logprobs", out var lp) && lp.ValueKind == JsonValueKind.Object ? lp : (JsonElement?)null;
            int[] tokens = choice.TryGetProperty("token_ids", out var ids) && ids.ValueKind == JsonValueKind.Array
                ? [.. ids.EnumerateArray().Select(i => i.GetInt32())]
                : TokenIdsOf(logprobs) ?? Retokenize(tokenizer, choice.GetProperty("text").GetString() ?? "", truncated, settings);
            float[]? sampled = LogProbsOf(logprobs);
            return new Rollout(index, tokens, sampled is not null && sampled.Length == tokens.Length ? sampled : null, truncated);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            throw new InvalidDataException($"{uri}: malformed completion response: {e.Message}", e);
        }
    }

    private static int[]? TokenIdsOf(JsonElement? logprobs)
    {
        if (logprobs is not { } lp || !lp.TryGetProperty("tokens", out var tokens) || tokens.ValueKind != JsonValueKind.Array) return null;
        var names = tokens.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String ? t.GetString()! : "").ToList();
        if (names.Count == 0 || !names.All(n => n.StartsWith(TokenIdPrefix, StringComparison.Ordinal))) return null;
        return [.. names.Select(n => int.Parse(n.AsSpan(TokenIdPrefix.Length), CultureInfo.InvariantCulture))];
    }

    private static float[]? LogProbsOf(JsonElement? logprobs)
    {
        if (logprobs is not { } lp) return null;
        IEnumerable<JsonElement> values;
        if (lp.TryGetProperty("token_logprobs", out var legacy) && legacy.ValueKind == JsonValueKind.Array) values = legacy.EnumerateArray();
        else if (lp.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
            values = content.EnumerateArray().Select(c => c.TryGetProperty("logprob", out var v) ? v : default);
        else return null;
        var list = values.ToList();
        return list.All(v => v.ValueKind == JsonValueKind.Number) ? [.. list.Select(v => (float)v.GetDouble())] : null;
    }

    private static int[] Retokenize(ITextTokenizer tokenizer, string text, bool truncated, RolloutSettings settings)
    {
        // The server ended on EOS unless it hit the length limit; the trainer must see that EOS to learn to stop.
        var ids = tokenizer.Encode(text).ToList();
        if (!truncated && settings.EosIds.Count > 0) ids.Add(settings.EosIds[0]);
        return [.. ids];
    }
}
