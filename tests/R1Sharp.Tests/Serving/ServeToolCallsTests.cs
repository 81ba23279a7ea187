using System.Net;
using System.Text;
using System.Text.Json;
using R1Sharp.Serving;
using R1Sharp.Testing;
using R1Sharp.Text;
using R1Sharp.Text.Templates;

namespace R1Sharp.Tests.Serving;

/// <summary>Tool calls through <c>r1 serve</c>'s chat API (issue 20): tools rendered by the template, <c>&lt;tool_call&gt;</c> replies returned as OpenAI <c>tool_calls</c>.</summary>
public sealed class ServeToolCallsTests
{
    private const string Call = "<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 40, \"b\": 2}}\n</tool_call>";
    private static readonly object[] AddTool = [new { type = "function", function = new { name = "add", description = "a + b", parameters = new { type = "object", properties = new { a = new { type = "integer" }, b = new { type = "integer" } } } } }];

    /// <summary>Remembers the last prompt it rendered.</summary>
    private sealed class RecordingFormatter(IChatPromptFormatter inner) : IChatPromptFormatter
    {
        public string? Last { get; private set; }
        public string Format(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt) => Last = inner.Format(messages, addGenerationPrompt);
        public string Format(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt, JsonElement? tools) => Last = inner.Format(messages, addGenerationPrompt, tools);
    }

    private static StringContent Body(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> PostAsync(ServingFixture f, object body)
    {
        var response = await f.Client.PostAsync("v1/chat/completions", Body(body));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task AReplyOfToolCallsComesBackAsOpenAiToolCalls()
    {
        await using var f = await ServingFixture.StartAsync(tokenizer: new RereadAsciiTokenizer((_, _) => Call, withEos: false));
        var messages = new[] { new { role = "user", content = "What is 40+2?" } };

        var root = await PostAsync(f, new { messages, tools = AddTool, max_tokens = 2, temperature = 0 });

        var choice = root.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var calls = message.GetProperty("tool_calls");
        Assert.Equal(2, calls.GetArrayLength()); // two tokens, two calls: parallel calls all come back
        foreach (var call in calls.EnumerateArray())
        {
            Assert.StartsWith("call_", call.GetProperty("id").GetString());
            Assert.Equal("function", call.GetProperty("type").GetString());
            Assert.Equal("add", call.GetProperty("function").GetProperty("name").GetString());
            var arguments = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement; // a JSON string, as OpenAI sends it
            Assert.Equal(40, arguments.GetProperty("a").GetInt32());
        }
        Assert.NotEqual(calls[0].GetProperty("id").GetString(), calls[1].GetProperty("id").GetString());

        // Without tools the same reply is plain text.
        var plain = (await PostAsync(f, new { messages, max_tokens = 2, temperature = 0 })).GetProperty("choices")[0];
        Assert.Equal(Call + Call, plain.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", plain.GetProperty("finish_reason").GetString());
        Assert.False(plain.GetProperty("message").TryGetProperty("tool_calls", out _));

        // tool_choice "none": tools are neither rendered nor parsed.
        var none = (await PostAsync(f, new { messages, tools = AddTool, tool_choice = "none", max_tokens = 1, temperature = 0 })).GetProperty("choices")[0];
        Assert.Equal(Call, none.GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task StreamedToolCallsArriveInOneFinalDelta()
    {
        await using var f = await ServingFixture.StartAsync(tokenizer: new RereadAsciiTokenizer((_, _) => Call, withEos: false));
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = Body(new { messages = new[] { new { role = "user", content = "add" } }, tools = AddTool, max_tokens = 3, temperature = 0, stream = true }),
        };
        var response = await f.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var content = new StringBuilder();
        var toolDeltas = new List<JsonElement>();
        var finishes = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]") continue;
            foreach (var choice in JsonDocument.Parse(line["data: ".Length..]).RootElement.GetProperty("choices").EnumerateArray())
            {
                var delta = choice.GetProperty("delta");
                if (delta.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String) content.Append(c.GetString());
                if (delta.TryGetProperty("tool_calls", out var t)) toolDeltas.Add(t.Clone());
                if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String) finishes.Add(choice.GetProperty("finish_reason").GetString()!);
            }
        }
        Assert.Equal("", content.ToString()); // no raw <tool_call> text leaks into the content
        var calls = Assert.Single(toolDeltas);
        Assert.Equal(3, calls.GetArrayLength());
        Assert.Equal([0, 1, 2], calls.EnumerateArray().Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(calls.EnumerateArray(), c => Assert.Equal("add", c.GetProperty("function").GetProperty("name").GetString()));
        Assert.Equal(["tool_calls"], finishes);
    }

    [Fact]
    public async Task ToolsAndToolMessagesAreRenderedByQwensTemplate()
    {
        var template = ChatTemplate.Load(SharedData.Path("hf", "Qwen2.5-0.5B-Instruct"));
        var formatter = new RecordingFormatter(new ChatTemplateFormatter(template));
        await using var f = await ServingFixture.StartAsync(formatter: formatter, contextLength: 2048); // Qwen's tool preamble alone is ~700 ASCII tokens
        var weather = new[] { new { type = "function", function = new { name = "get_weather", description = "Weather in a city.", parameters = new { type = "object", properties = new { city = new { type = "string" } }, required = new[] { "city" } } } } };
        var messages = new object[]
        {
            new { role = "user", content = "Weather in Paris?" },
            new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id = "call_1", type = "function", function = new { name = "get_weather", arguments = "{\"city\": \"Paris\", \"days\": 2}" } } } },
            new { role = "tool", tool_call_id = "call_1", content = "{\"temp\": 21}" },
        };

        var root = await PostAsync(f, new { messages, tools = weather, max_tokens = 4, temperature = 0 });

        Assert.Equal(1, root.GetProperty("choices").GetArrayLength());
        // What transformers' apply_chat_template renders for the same conversation (arguments as an object, as vLLM passes them).
        using var reference = JsonDocument.Parse(JsonSerializer.Serialize(new object[]
        {
            messages[0],
            new { role = "assistant", content = "", tool_calls = new[] { new { id = "call_1", type = "function", function = new { name = "get_weather", arguments = new { city = "Paris", days = 2 } } } } },
            messages[2],
        }));
        string expected = template.Render(reference.RootElement, new ChatTemplateOptions { AddGenerationPrompt = true, Tools = JsonSerializer.SerializeToElement(weather) });
        Assert.Equal(expected, formatter.Last);
        Assert.Contains("# Tools", formatter.Last);
        Assert.Contains("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": 2}}\n</tool_call>", formatter.Last);
        Assert.Contains("<tool_response>\n{\"temp\": 21}\n</tool_response>", formatter.Last);
        Assert.EndsWith("<|im_start|>assistant\n", formatter.Last);
    }

    [Fact]
    public async Task AFormatterWithoutToolSupportRefusesToolsWith400()
    {
        await using var f = await ServingFixture.StartAsync(formatter: new RecordingFormatter(new LinesOnly()));
        var response = await f.Client.PostAsync("v1/chat/completions", Body(new { messages = new[] { new { role = "user", content = "hi" } }, tools = AddTool }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("tools", error.GetProperty("param").GetString());
        Assert.Contains("cannot render tools", error.GetProperty("message").GetString());
    }

    /// <summary>What every id reads as in the fence test: one fenced Python block.</summary>
    private const string FencedBlock = "```python\nprint(40 + 2)\n```\n";


    [Fact]
    public async Task FencedPythonBlocksAreCallsWhenTheRequestDeclaresAPythonFunction()
    {
        // issue 20: a model trained with GRPO's fenced format calls python the way it learnt, when the client offers python.
        await using var f = await ServingFixture.StartAsync(tokenizer: new RereadAsciiTokenizer((_, _) => FencedBlock, withEos: false));
        var messages = new[] { new { role = "user", content = "What is 40+2?" } };
        object[] python = [new { type = "function", function = new { name = "python", description = "runs code", parameters = new { type = "object", properties = new { code = new { type = "string" } } } } }];

        var choice = (await PostAsync(f, new { messages, tools = python, max_tokens = 1, temperature = 0 })).GetProperty("choices")[0];

        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = Assert.Single(choice.GetProperty("message").GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("python", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("print(40 + 2)\n", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("code").GetString());

        // Tools without a python function: the fence is content.
        var other = (await PostAsync(f, new { messages, tools = AddTool, max_tokens = 1, temperature = 0 })).GetProperty("choices")[0];
        Assert.Equal(FencedBlock, other.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", other.GetProperty("finish_reason").GetString());
    }

    /// <summary>A formatter that implements only the tool-less method (the interface's default refuses tools).</summary>
    private sealed class LinesOnly : IChatPromptFormatter
    {
        public string Format(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt) => string.Concat(messages.Select(m => m.Content + "\n"));
    }
}
