using System.Net;
using System.Text;
using System.Text.Json;
using R1Sharp.Serving;
using R1Sharp.Serving.Protocol;

namespace R1Sharp.Tests.Serving;

/// <summary>`r1 serve` refuses what it cannot honour (400 naming the field) instead of accepting and ignoring it.</summary>
public sealed class UnsupportedRequestFieldsTests
{
    private const string Hi = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";

    private static readonly ServeOptions Options = new();

    [Theory]
    [InlineData("\"response_format\": {\"type\": \"json_object\"}", "response_format")]
    [InlineData("\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\", \"schema\": {}}}", "response_format")]
    [InlineData("\"tools\": [{\"type\": \"retrieval\"}]", "tools")]
    [InlineData("\"tools\": [{\"type\": \"function\", \"function\": {\"description\": \"no name\"}}]", "tools")]
    [InlineData("\"tool_choice\": \"required\"", "tool_choice")]
    [InlineData("\"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"add\"}}", "tool_choice")]
    [InlineData("\"functions\": [{\"name\": \"add\"}]", "functions")]
    [InlineData("\"function_call\": {\"name\": \"add\"}", "function_call")]
    [InlineData("\"frequency_penalty\": 0.5", "frequency_penalty")]
    [InlineData("\"presence_penalty\": -1", "presence_penalty")]
    [InlineData("\"repetition_penalty\": 1.1", "repetition_penalty")]
    [InlineData("\"logit_bias\": {\"50256\": -100}", "logit_bias")]
    [InlineData("\"top_k\": 20", "top_k")]
    [InlineData("\"min_p\": 0.05", "min_p")]
    [InlineData("\"top_logprobs\": 5", "top_logprobs")]
    [InlineData("\"top_logprobs\": \"5\"", "top_logprobs")]
    [InlineData("\"best_of\": 4", "best_of")]
    [InlineData("\"modalities\": [\"text\", \"audio\"]", "modalities")]
    [InlineData("\"audio\": {\"voice\": \"alloy\"}", "audio")]
    [InlineData("\"prediction\": {\"type\": \"content\", \"content\": \"x\"}", "prediction")]
    [InlineData("\"reasoning_effort\": \"low\"", "reasoning_effort")]
    [InlineData("\"store\": true", "store")]
    [InlineData("\"ignore_eos\": true", "ignore_eos")]
    [InlineData("\"stop_token_ids\": [7]", "stop_token_ids")]
    [InlineData("\"chat_template_kwargs\": {\"enable_thinking\": false}", "chat_template_kwargs")]
    [InlineData("\"stream\": true, \"return_token_ids\": true", "return_token_ids")]
    [InlineData("\"temprature\": 0.5", "temprature")]
    public void ChatRefusesFieldsItCannotHonourNamingThem(string field, string param)
    {
        var e = Assert.Throws<RequestValidationException>(() => RequestParser.ParseChat($"{{{Hi}, {field}}}", Options));
        Assert.Equal(param, e.Param);
        Assert.Contains(param, e.Message);
    }

    [Theory]
    [InlineData("{\"role\": \"user\", \"content\": \"hi\", \"name\": \"ann\"}", "messages[0].name")]
    [InlineData("{\"role\": \"user\", \"content\": null, \"tool_calls\": [{\"id\": \"1\", \"type\": \"function\", \"function\": {\"name\": \"add\", \"arguments\": \"{}\"}}]}", "messages[0].tool_calls")]
    [InlineData("{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"1\", \"type\": \"function\", \"function\": {\"arguments\": \"{}\"}}]}", "messages[0].tool_calls")]
    [InlineData("{\"role\": \"user\", \"content\": \"3\", \"tool_call_id\": \"1\"}", "messages[0].tool_call_id")]
    public void ChatRefusesMessageFieldsTheTemplateIsNotGiven(string message, string param)
    {
        var e = Assert.Throws<RequestValidationException>(() => RequestParser.ParseChat($"{{\"messages\": [{message}]}}", Options));
        Assert.Equal(param, e.Param);
    }

    [Theory]
    [InlineData("\"echo\": true", "echo")]
    [InlineData("\"suffix\": \"end\"", "suffix")]
    [InlineData("\"logprobs\": 5", "logprobs")]
    [InlineData("\"best_of\": 3, \"n\": 2", "best_of")]
    [InlineData("\"min_tokens\": 10", "min_tokens")]
    [InlineData("\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"add\"}}]", "tools")]
    public void CompletionsRefuseFieldsItCannotHonourNamingThem(string field, string param)
    {
        var e = Assert.Throws<RequestValidationException>(() => RequestParser.ParseCompletion($"{{\"prompt\": \"abc\", {field}}}", Options));
        Assert.Equal(param, e.Param);
    }

    [Fact]
    public void ValuesThatAskForNothingAreAccepted()
    {
        const string neutral = "\"response_format\": {\"type\": \"text\"}, \"tools\": [], \"tool_choice\": \"none\", \"parallel_tool_calls\": false, "
            + "\"frequency_penalty\": 0, \"presence_penalty\": 0.0, \"logit_bias\": {}, \"top_logprobs\": 0, \"top_k\": -1, \"min_p\": 0, "
            + "\"modalities\": [\"text\"], \"store\": false, \"user\": \"u-1\", \"metadata\": {\"run\": \"a\"}, \"service_tier\": \"auto\", "
            + "\"skip_special_tokens\": true, \"include_stop_str_in_output\": false, \"best_of\": 2, \"n\": 2, \"seed\": null";
        var (_, messages, parameters) = RequestParser.ParseChat($"{{{Hi}, {neutral}}}", Options);
        Assert.Single(messages);
        Assert.Equal(2, parameters.N);
        Assert.False(parameters.MaxTokensFromRequest);

        var (_, _, completion) = RequestParser.ParseCompletion("{\"prompt\": \"abc\", \"echo\": false, \"suffix\": \"\", \"logprobs\": 0, \"max_tokens\": 9}", Options);
        Assert.True(completion.LogProbs);
        Assert.True(completion.MaxTokensFromRequest);
        Assert.Equal(9, completion.MaxTokens);
    }

    [Fact]
    public async Task TheServerAnswers400WithAnOpenAiErrorNamingTheField()
    {
        await using var f = await ServingFixture.StartAsync();
        foreach (var (body, param) in new[]
        {
            ($"{{{Hi}, \"response_format\": {{\"type\": \"json_object\"}}}}", "response_format"),
            ($"{{{Hi}, \"tool_choice\": \"required\"}}", "tool_choice"),
            ($"{{{Hi}, \"n\": {Options.MaxChoices + 1}}}", "n"),
        })
        {
            var response = await f.Client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
            Assert.Equal(param, error.GetProperty("param").GetString());
            Assert.Contains(param, error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task ChatHonoursReturnTokenIdsAndADefaultMaxTokensIsLoweredToTheContext()
    {
        // The fixture's context is 512 positions, the default max_tokens 4096: a request without max_tokens is served
        // with what the context leaves, not refused.
        await using var f = await ServingFixture.StartAsync(new ServeOptions { DefaultMaxTokens = 4096, MaxTokensLimit = 4096 });
        var response = await f.Client.PostAsync("v1/chat/completions",
            new StringContent($"{{{Hi}, \"temperature\": 0, \"return_token_ids\": true}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var usage = root.GetProperty("usage");
        Assert.InRange(usage.GetProperty("total_tokens").GetInt32(), 1, 512);
        var choice = root.GetProperty("choices")[0];
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt32(), choice.GetProperty("token_ids").GetArrayLength());
        Assert.Equal(f.Generate("hi", 512 - usage.GetProperty("prompt_tokens").GetInt32(), 0, null, chat: true), choice.GetProperty("message").GetProperty("content").GetString());
    }
}
