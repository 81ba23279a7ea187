using System.Text.Json;

namespace R1Sharp.Serving.Protocol;

/// <summary>
/// Which request fields the server honours. A field it does not implement is refused with a 400 naming it, unless
/// its value asks for nothing (<c>"frequency_penalty": 0</c>, <c>"response_format": {"type": "text"}</c>): a client
/// that asks for JSON mode or a penalty must not get a plain reply that looks like it honoured them. Chat honours
/// <c>tools</c> (validated by <see cref="ToolRequestParser"/>); /v1/completions does not. Fields that only label a request (<c>user</c>, <c>metadata</c>, <c>service_tier</c>) are accepted.
/// </summary>
internal static class RequestFields
{
    private sealed record NeutralOnly(Func<JsonElement, JsonElement, bool> AsksForNothing, string Refusal);

    private static readonly HashSet<string> Honoured =
    [
        "model", "n", "temperature", "top_p", "max_tokens", "max_completion_tokens", "seed", "stop", "logprobs",
        "top_logprobs", "stream", "stream_options", "return_token_ids", "user", "metadata", "service_tier",
    ];

    private const string NoTools = "tools work on /v1/chat/completions only";

    // Chat validates these itself (ToolRequestParser): tools are rendered by the chat template and calls parsed from the reply.
    private static readonly HashSet<string> ChatToolFields = ["tools", "tool_choice", "parallel_tool_calls"];

    private static readonly Dictionary<string, NeutralOnly> Unimplemented = new()
    {
        ["response_format"] = new((v, _) => v.ValueKind == JsonValueKind.Object && v.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "text",
            "only {\"type\": \"text\"} is supported (no JSON mode or structured outputs)"),
        ["tools"] = new((v, _) => IsEmptyArray(v), $"tools are not supported: {NoTools}"),
        ["tool_choice"] = new((v, _) => IsString(v, "none", "auto"), $"only \"none\" or \"auto\" without tools is supported: {NoTools}"),
        ["parallel_tool_calls"] = new((v, _) => v.ValueKind is JsonValueKind.True or JsonValueKind.False, "must be a boolean"),
        ["functions"] = new((v, _) => IsEmptyArray(v), "the legacy 'functions' are not supported: give 'tools'"),
        ["function_call"] = new((v, _) => IsString(v, "none", "auto"), "the legacy 'function_call' is not supported: give 'tool_choice'"),
        ["frequency_penalty"] = new((v, _) => IsNumber(v, 0), "penalties are not implemented; only 0 is accepted"),
        ["presence_penalty"] = new((v, _) => IsNumber(v, 0), "penalties are not implemented; only 0 is accepted"),
        ["repetition_penalty"] = new((v, _) => IsNumber(v, 1), "penalties are not implemented; only 1 is accepted"),
        ["logit_bias"] = new((v, _) => v.ValueKind == JsonValueKind.Object && !v.EnumerateObject().Any(), "logit_bias is not implemented; only {} is accepted"),
        ["top_k"] = new((v, _) => IsNumber(v, -1) || IsNumber(v, 0), "top-k sampling is not implemented; only -1 or 0 (off) is accepted"),
        ["min_p"] = new((v, _) => IsNumber(v, 0), "min-p sampling is not implemented; only 0 is accepted"),
        ["best_of"] = new((v, root) => IsNumber(v, 1) || IsNumber(v, root.TryGetProperty("n", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetDouble(out double count) ? count : 1),
            "best_of larger than n is not implemented"),
        ["suffix"] = new((v, _) => IsString(v, ""), "suffix (insertion) is not supported"),
        ["echo"] = new((v, _) => v.ValueKind == JsonValueKind.False, "'echo' is not supported"),
        ["modalities"] = new((v, _) => v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(m => IsString(m, "text")), "only the \"text\" modality is supported"),
        ["audio"] = new((_, _) => false, "audio output is not supported"),
        ["prediction"] = new((_, _) => false, "predicted outputs are not supported"),
        ["web_search_options"] = new((_, _) => false, "web search is not supported"),
        ["reasoning_effort"] = new((_, _) => false, "reasoning effort cannot be set: the model reasons as it was trained to"),
        ["store"] = new((v, _) => v.ValueKind == JsonValueKind.False, "completions are not stored; only false is accepted"),
        ["min_tokens"] = new((v, _) => IsNumber(v, 0), "min_tokens is not implemented; only 0 is accepted"),
        ["ignore_eos"] = new((v, _) => v.ValueKind == JsonValueKind.False, "ignore_eos is not implemented; only false is accepted"),
        ["stop_token_ids"] = new((v, _) => IsEmptyArray(v), "stop_token_ids is not implemented; use 'stop' strings"),
        ["skip_special_tokens"] = new((v, _) => v.ValueKind == JsonValueKind.True, "special tokens are always left out of the text; only true is accepted"),
        ["include_stop_str_in_output"] = new((v, _) => v.ValueKind == JsonValueKind.False, "stop strings are always left out of the text; only false is accepted"),
        ["add_generation_prompt"] = new((v, _) => v.ValueKind == JsonValueKind.True, "the generation prompt is always added; only true is accepted"),
        ["continue_final_message"] = new((v, _) => v.ValueKind == JsonValueKind.False, "continuing the final message is not supported; only false is accepted"),
        ["chat_template_kwargs"] = new((v, _) => v.ValueKind == JsonValueKind.Object && !v.EnumerateObject().Any(), "chat template arguments are not supported"),
    };

    /// <summary>Refuses the first field of <paramref name="root"/> that the endpoint does not honour.</summary>
    /// <param name="root">The request body.</param>
    /// <param name="endpointField">"messages" for chat, "prompt" for completions.</param>
    /// <exception cref="RequestValidationException">A field that is not honoured, with its name as the error's param.</exception>
    public static void Check(JsonElement root, string endpointField)
    {
        foreach (var field in root.EnumerateObject())
        {
            if (field.Name == endpointField || Honoured.Contains(field.Name) || field.Value.ValueKind == JsonValueKind.Null) continue;
            if (endpointField == "messages" && ChatToolFields.Contains(field.Name)) continue;
            if (!Unimplemented.TryGetValue(field.Name, out var rule))
                throw new RequestValidationException(field.Name, $"unrecognized request argument '{field.Name}' (not part of the OpenAI API this server implements)");
            if (!rule.AsksForNothing(field.Value, root))
                throw new RequestValidationException(field.Name, $"'{field.Name}': {rule.Refusal}");
        }
        bool stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        if (stream && root.TryGetProperty("return_token_ids", out var ids) && ids.ValueKind == JsonValueKind.True)
            throw new RequestValidationException("return_token_ids", "'return_token_ids' is not supported with 'stream'");
    }

    /// <summary>
    /// Refuses message fields the chat template is not given: it sees role and content, an assistant message's
    /// <c>tool_calls</c> and a tool message's <c>tool_call_id</c>.
    /// </summary>
    /// <exception cref="RequestValidationException">A field that is not honoured, named as messages[i].field.</exception>
    public static void CheckMessage(JsonElement message, int index, string role)
    {
        foreach (var field in message.EnumerateObject())
        {
            if (field.Name is "role" or "content" || field.Value.ValueKind == JsonValueKind.Null) continue;
            if (field.Name == "tool_calls" && (role == "assistant" || IsEmptyArray(field.Value))) continue;
            if (field.Name == "tool_call_id" && role == "tool") continue;
            string param = $"messages[{index}].{field.Name}";
            string why = field.Name switch
            {
                "tool_calls" => "only assistant messages carry tool calls",
                "tool_call_id" => "only tool messages answer a tool call",
                "function_call" => "the legacy 'function_call' is not supported: give 'tool_calls'",
                _ => "the chat template is given each message's role and content (and tool calls) only",
            };
            throw new RequestValidationException(param, $"'{param}' is not supported: {why}");
        }
    }

    private static bool IsEmptyArray(JsonElement value) => value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0;

    private static bool IsString(JsonElement value, params string[] allowed) =>
        value.ValueKind == JsonValueKind.String && allowed.Contains(value.GetString());

    private static bool IsNumber(JsonElement value, double expected) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double number) && number == expected;
}
