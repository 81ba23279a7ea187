using System.Text.Json;
using R1Sharp.Tools;

namespace R1Sharp.Serving.Protocol;

/// <summary>
/// Reads OpenAI-style request bodies strictly: wrong types, out-of-range values and unsupported options are
/// refused with the field's name rather than silently ignored, so a client learns at once what we do not do
/// (<see cref="RequestFields"/> lists what is honoured).
/// </summary>
public static class RequestParser
{
    /// <summary>Parses a /v1/chat/completions body (tools aside: see <see cref="ParseChatRequest"/>).</summary>
    /// <exception cref="RequestValidationException">The body is invalid; the message names the field.</exception>
    public static (string? Model, IReadOnlyList<ChatTurn> Messages, CompletionParameters Parameters) ParseChat(string body, ServeOptions options)
    {
        var request = ParseChatRequest(body, options);
        return (request.Model, request.Messages, request.Parameters);
    }

    /// <summary>Parses a /v1/chat/completions body, with its <c>tools</c>, <c>tool_choice</c> and the messages' tool calls and answers.</summary>
    /// <exception cref="RequestValidationException">The body is invalid; the message names the field.</exception>
    public static ChatRequest ParseChatRequest(string body, ServeOptions options)
    {
        var root = ParseObject(body);
        RequestFields.Check(root, "messages");
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            throw new RequestValidationException("messages", "'messages' is required and must be an array");
        var turns = new List<ChatTurn>();
        int index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
                throw new RequestValidationException($"messages[{index}]", $"messages[{index}] must be an object");
            string role = RequiredString(message, "role", $"messages[{index}].role");
            if (role is not ("system" or "user" or "assistant" or "tool" or "developer"))
                throw new RequestValidationException($"messages[{index}].role", $"messages[{index}].role '{role}' is not one of system, user, assistant, tool, developer");
            RequestFields.CheckMessage(message, index, role);
            turns.Add(new ChatTurn(role == "developer" ? "system" : role, ContentText(message, index))
            {
                ToolCalls = ToolRequestParser.ToolCalls(message, index),
                ToolCallId = OptionalString(message, "tool_call_id"),
            });
            index++;
        }
        if (turns.Count == 0) throw new RequestValidationException("messages", "'messages' must not be empty");
        var tools = ToolRequestParser.Tools(root);
        return new ChatRequest(OptionalString(root, "model"), turns, ParseParameters(root, options) with { ToolCalls = tools is not null, FencedPythonCalls = ToolRequestParser.Declares(tools, ToolCallParser.PythonToolName) }, tools);
    }

    /// <summary>
    /// Parses a /v1/completions body: "prompt" is a string, an array of strings, an array of token ids, or an array
    /// of arrays of token ids (the last two as vLLM accepts them: no tokenization round trip).
    /// </summary>
    /// <exception cref="RequestValidationException">The body is invalid; the message names the field.</exception>
    public static (string? Model, IReadOnlyList<PromptInput> Prompts, CompletionParameters Parameters) ParseCompletion(string body, ServeOptions options)
    {
        var root = ParseObject(body);
        RequestFields.Check(root, "prompt");
        if (!root.TryGetProperty("prompt", out var prompt))
            throw new RequestValidationException("prompt", "'prompt' is required");
        List<PromptInput> prompts;
        if (prompt.ValueKind == JsonValueKind.String)
            prompts = [new PromptInput(prompt.GetString()!, null)];
        else if (prompt.ValueKind == JsonValueKind.Array && prompt.EnumerateArray().All(p => p.ValueKind == JsonValueKind.String))
            prompts = prompt.EnumerateArray().Select(p => new PromptInput(p.GetString()!, null)).ToList();
        else if (prompt.ValueKind == JsonValueKind.Array && prompt.GetArrayLength() > 0 && prompt.EnumerateArray().All(p => p.ValueKind == JsonValueKind.Number))
            prompts = [new PromptInput(null, TokenIds(prompt))];
        else if (prompt.ValueKind == JsonValueKind.Array && prompt.EnumerateArray().All(p => p.ValueKind == JsonValueKind.Array))
            prompts = prompt.EnumerateArray().Select(p => new PromptInput(null, TokenIds(p))).ToList();
        else
            throw new RequestValidationException("prompt", "'prompt' must be a string, an array of strings, or token ids");
        if (prompts.Count == 0 || prompts.Any(p => p.Text?.Length == 0 || p.TokenIds?.Count == 0))
            throw new RequestValidationException("prompt", "'prompt' must not be empty");
        var parameters = ParseParameters(root, options);
        if (prompts.Count * parameters.N > options.MaxChoices * 4)
            throw new RequestValidationException("prompt", $"{prompts.Count} prompts x n={parameters.N} is more sequences than one request may ask for ({options.MaxChoices * 4})");
        return (OptionalString(root, "model"), prompts, parameters);
    }

    private static List<int> TokenIds(JsonElement array)
    {
        var ids = new List<int>();
        foreach (var id in array.EnumerateArray())
        {
            if (id.ValueKind != JsonValueKind.Number || !id.TryGetInt32(out int value) || value < 0)
                throw new RequestValidationException("prompt", "token ids in 'prompt' must be non-negative integers");
            ids.Add(value);
        }
        return ids;
    }

    private static CompletionParameters ParseParameters(JsonElement root, ServeOptions options)
    {
        int n = (int)Number(root, "n", 1, 1, options.MaxChoices);
        double temperature = Number(root, "temperature", 1.0, 0, 2);
        double topP = Number(root, "top_p", 1.0, 0, 1);
        if (topP == 0) throw new RequestValidationException("top_p", "'top_p' must be greater than 0");
        string maxField = root.TryGetProperty("max_completion_tokens", out _) ? "max_completion_tokens" : "max_tokens";
        int maxTokens = (int)Number(root, maxField, options.DefaultMaxTokens, 1, options.MaxTokensLimit);
        long? seed = root.TryGetProperty("seed", out var s) && s.ValueKind != JsonValueKind.Null
            ? s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out long v) ? v : throw new RequestValidationException("seed", "'seed' must be an integer")
            : null;
        var stop = Stop(root);
        bool logProbs = root.TryGetProperty("logprobs", out var lp) && lp.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            JsonValueKind.Number when lp.TryGetInt32(out int k) && k == 0 => true, // legacy completions: the chosen tokens' logprobs only
            JsonValueKind.Number => throw new RequestValidationException("logprobs", "'logprobs' above 0 asks for the top alternatives, which are not returned; use 0 or true (the chosen tokens' logprobs)"),
            _ => throw new RequestValidationException("logprobs", "'logprobs' must be a boolean"),
        };
        if (root.TryGetProperty("top_logprobs", out var top) && top.ValueKind != JsonValueKind.Null && !(top.ValueKind == JsonValueKind.Number && top.TryGetInt32(out int alternatives) && alternatives == 0))
            throw new RequestValidationException("top_logprobs", "'top_logprobs' is not supported (the sampled token's logprob is returned)");
        bool stream = Bool(root, "stream");
        bool includeUsage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object && Bool(so, "include_usage");
        bool maxTokensGiven = root.TryGetProperty(maxField, out var given) && given.ValueKind != JsonValueKind.Null;
        return new CompletionParameters(n, temperature, topP, maxTokens, stop, seed, logProbs, stream, includeUsage, Bool(root, "return_token_ids"), maxTokensGiven);
    }

    private static JsonElement ParseObject(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new RequestValidationException(null, "the request body must be a JSON object");
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new RequestValidationException(null, $"the request body is not valid JSON: {e.Message}");
        }
    }

    private static string ContentText(JsonElement message, int index)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null) return "";
        if (content.ValueKind == JsonValueKind.String) return content.GetString()!;
        if (content.ValueKind != JsonValueKind.Array)
            throw new RequestValidationException($"messages[{index}].content", $"messages[{index}].content must be a string or an array of text parts");
        var text = new System.Text.StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object || OptionalString(part, "type") != "text")
                throw new RequestValidationException($"messages[{index}].content", $"messages[{index}].content: only parts of type 'text' are supported");
            text.Append(OptionalString(part, "text"));
        }
        return text.ToString();
    }

    private static IReadOnlyList<string> Stop(JsonElement root)
    {
        if (!root.TryGetProperty("stop", out var stop) || stop.ValueKind == JsonValueKind.Null) return [];
        List<string> list = stop.ValueKind switch
        {
            JsonValueKind.String => [stop.GetString()!],
            JsonValueKind.Array when stop.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String) => stop.EnumerateArray().Select(s => s.GetString()!).ToList(),
            _ => throw new RequestValidationException("stop", "'stop' must be a string or an array of strings"),
        };
        if (list.Count > 4) throw new RequestValidationException("stop", "'stop' takes at most 4 strings");
        if (list.Any(string.IsNullOrEmpty)) throw new RequestValidationException("stop", "'stop' strings must not be empty");
        return list;
    }

    private static double Number(JsonElement root, string name, double fallback, double min, double max)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || double.IsNaN(number))
            throw new RequestValidationException(name, $"'{name}' must be a number");
        if (number < min || number > max)
            throw new RequestValidationException(name, $"'{name}' must be between {min} and {max} (got {number})");
        return number;
    }

    private static bool Bool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw new RequestValidationException(name, $"'{name}' must be a boolean"),
        };

    private static string? OptionalString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string RequiredString(JsonElement root, string name, string param) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new RequestValidationException(param, $"'{param}' is required and must be a string");
}
