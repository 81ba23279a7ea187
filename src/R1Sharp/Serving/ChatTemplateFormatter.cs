using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.Text.Templates;

namespace R1Sharp.Serving;

/// <summary>Renders conversations with a model's Jinja chat template (tokenizer_config.json / chat_template.jinja).</summary>
public sealed class ChatTemplateFormatter(ChatTemplate template) : IChatPromptFormatter
{
    /// <inheritdoc />
    public string Format(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt) =>
        template.Render(messages.Select(m => (m.Role, m.Content)), new ChatTemplateOptions { AddGenerationPrompt = addGenerationPrompt });

    /// <summary>
    /// Renders the conversation with <c>tools</c> as transformers' <c>apply_chat_template(messages, tools=...)</c> does: an
    /// assistant message's <c>tool_calls</c> reach the template with their arguments as a JSON object (as vLLM passes
    /// them; Qwen's template writes <c>arguments | tojson</c>), and a tool message keeps its <c>tool_call_id</c>.
    /// </summary>
    public string Format(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt, JsonElement? tools)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var array = new JsonArray();
        foreach (var m in messages)
        {
            var message = new JsonObject { ["role"] = m.Role, ["content"] = m.Content };
            if (m.ToolCalls is { Count: > 0 } calls)
                message["tool_calls"] = new JsonArray([.. calls.Select(c => (JsonNode)new JsonObject
                {
                    ["id"] = c.Id,
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = ArgumentsNode(c.Arguments) },
                })]);
            if (m.ToolCallId is not null) message["tool_call_id"] = m.ToolCallId;
            array.Add(message);
        }
        using var document = JsonDocument.Parse(array.ToJsonString());
        return template.Render(document.RootElement, new ChatTemplateOptions { AddGenerationPrompt = addGenerationPrompt, Tools = tools });
    }

    private static JsonNode? ArgumentsNode(string arguments)
    {
        try
        {
            return JsonNode.Parse(arguments) is JsonObject parsed ? parsed : JsonValue.Create(arguments);
        }
        catch (JsonException)
        {
            return JsonValue.Create(arguments);
        }
    }
}
