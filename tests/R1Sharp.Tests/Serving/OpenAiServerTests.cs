using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using R1Sharp.Serving;

namespace R1Sharp.Tests.Serving;

public sealed class OpenAiServerTests
{
    private static StringContent Body(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    [Fact]
    public async Task ChatCompletionMatchesTheInProcessGenerator()
    {
        await using var f = await ServingFixture.StartAsync();
        var response = await f.Client.PostAsync("v1/chat/completions", Body(new
        {
            model = "tiny",
            messages = new[] { new { role = "user", content = "what is 2+2?" } },
            max_tokens = 12,
            temperature = 0.8,
            seed = 42,
            logprobs = true,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await Json(response);
        Assert.Equal("chat.completion", json.GetProperty("object").GetString());
        var choice = json.GetProperty("choices")[0];
        string content = choice.GetProperty("message").GetProperty("content").GetString()!;
        Assert.Equal(f.Generate("what is 2+2?", 12, 0.8, 42, chat: true), content);
        var usage = json.GetProperty("usage");
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
        var logprobs = choice.GetProperty("logprobs").GetProperty("content");
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt32(), logprobs.GetArrayLength());
        Assert.All(logprobs.EnumerateArray(), t => Assert.True(t.GetProperty("logprob").GetDouble() <= 0));
    }

    [Fact]
    public async Task CompletionsWithSeveralChoicesAndModelsEndpoint()
    {
        await using var f = await ServingFixture.StartAsync();
        var response = await f.Client.PostAsync("v1/completions", Body(new { prompt = "abc", max_tokens = 6, n = 3, temperature = 0 }));
        var json = await Json(response);
        var choices = json.GetProperty("choices");
        Assert.Equal(3, choices.GetArrayLength());
        string greedy = f.Generate("abc", 6, 0, null, chat: false);
        Assert.All(choices.EnumerateArray(), c => Assert.Equal(greedy, c.GetProperty("text").GetString()));

        var models = await Json(await f.Client.GetAsync("v1/models"));
        Assert.Equal("tiny", models.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await f.Client.GetAsync("health")).StatusCode);
    }

    [Fact]
    public async Task StreamingDeliversTheSameTextAsOneResponse()
    {
        await using var f = await ServingFixture.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = Body(new { messages = new[] { new { role = "user", content = "stream me" } }, max_tokens = 10, seed = 5, stream = true, stream_options = new { include_usage = true } }),
        };
        var response = await f.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var text = new StringBuilder();
        string? finish = null;
        bool done = false, usage = false;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            string data = line["data: ".Length..];
            if (data == "[DONE]") { done = true; break; }
            var chunk = JsonDocument.Parse(data).RootElement;
            Assert.Equal("chat.completion.chunk", chunk.GetProperty("object").GetString());
            if (chunk.TryGetProperty("usage", out _)) usage = true;
            foreach (var choice in chunk.GetProperty("choices").EnumerateArray())
            {
                if (choice.GetProperty("delta").TryGetProperty("content", out var c)) text.Append(c.GetString());
                if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String) finish = choice.GetProperty("finish_reason").GetString();
            }
        }
        Assert.True(done);
        Assert.True(usage);
        Assert.NotNull(finish);
        Assert.Equal(f.Generate("stream me", 10, 1.0, 5, chat: true), text.ToString());
    }

    [Fact]
    public async Task ThirtyTwoConcurrentClientsGetWhatTheInProcessGeneratorGives()
    {
        await using var f = await ServingFixture.StartAsync();
        var prompts = Enumerable.Range(0, 32).Select(i => $"question {i}: {new string('x', i % 7)}").ToArray();
        var tasks = prompts.Select((p, i) => Task.Run(async () =>
        {
            var response = await f.Client.PostAsync("v1/completions", Body(new { prompt = p, max_tokens = 8 + i % 5, temperature = 0.7, seed = 100 + i }));
            response.EnsureSuccessStatusCode();
            return (await Json(response)).GetProperty("choices")[0].GetProperty("text").GetString();
        })).ToArray();
        string?[] texts = await Task.WhenAll(tasks);
        for (int i = 0; i < prompts.Length; i++)
            Assert.Equal(f.Generate(prompts[i], 8 + i % 5, 0.7, 100 + i, chat: false), texts[i]);
    }

    [Theory]
    [InlineData("{not json", null)]
    [InlineData("[1,2]", null)]
    [InlineData("{\"messages\": []}", "messages")]
    [InlineData("{\"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}", "messages[0].role")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"temperature\": 7}", "temperature")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"n\": 1000}", "n")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 0}", "max_tokens")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 100000}", "max_tokens")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"model\": \"gpt-9\"}", "model")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stop\": 5}", "stop")]
    [InlineData("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"seed\": \"abc\"}", "seed")]
    public async Task BadRequestsGet400WithAnOpenAiErrorBody(string body, string? param)
    {
        await using var f = await ServingFixture.StartAsync();
        var response = await f.Client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await Json(response)).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        if (param is not null) Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task OversizedBodyIsRefused()
    {
        await using var f = await ServingFixture.StartAsync(new ServeOptions { MaxRequestBytes = 2048 });
        string big = new('a', 10_000);
        var response = await f.Client.PostAsync("v1/completions", Body(new { prompt = big, max_tokens = 1 }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task ApiKeyIsRequiredWhenSet()
    {
        await using var f = await ServingFixture.StartAsync(new ServeOptions { ApiKey = "s3cret" });
        var body = new { prompt = "hi", max_tokens = 2 };
        Assert.Equal(HttpStatusCode.Unauthorized, (await f.Client.PostAsync("v1/completions", Body(body))).StatusCode);

        var wrong = new HttpRequestMessage(HttpMethod.Post, "v1/completions") { Content = Body(body) };
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "guess");
        Assert.Equal(HttpStatusCode.Unauthorized, (await f.Client.SendAsync(wrong)).StatusCode);

        var right = new HttpRequestMessage(HttpMethod.Post, "v1/completions") { Content = Body(body) };
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        Assert.Equal(HttpStatusCode.OK, (await f.Client.SendAsync(right)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await f.Client.GetAsync("health")).StatusCode); // health stays open for probes
    }

    [Fact]
    public async Task AFullQueueAnswers429WithRetryAfter()
    {
        await using var f = await ServingFixture.StartAsync(maxBatch: 1, maxQueue: 1);
        // Long generations occupy the single row and the single queue place; the rest must be turned away.
        var tasks = Enumerable.Range(0, 6).Select(i => f.Client.PostAsync("v1/completions", Body(new { prompt = "load " + i, max_tokens = 200, temperature = 1.0, seed = i }))).ToArray();
        var responses = await Task.WhenAll(tasks);
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.NotNull(r.Headers.RetryAfter));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
    }

    [Fact]
    public async Task ADisconnectingClientFreesItsSlot()
    {
        await using var f = await ServingFixture.StartAsync(maxBatch: 1, maxQueue: 4);
        using (var cts = new CancellationTokenSource())
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "v1/completions") { Content = Body(new { prompt = "long", max_tokens = 400, stream = true, seed = 1 }) };
            var response = await f.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            var buffer = new byte[64];
            _ = await stream.ReadAsync(buffer, cts.Token); // it has started
            await cts.CancelAsync();
            response.Dispose();
        }
        // With one batch row, this only completes if the abandoned request left the batch.
        var next = await f.Client.PostAsync("v1/completions", Body(new { prompt = "after", max_tokens = 3, temperature = 0 }));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(f.Generate("after", 3, 0, null, chat: false), (await Json(next)).GetProperty("choices")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task StopStringsEndTheTextBeforeTheStop()
    {
        await using var f = await ServingFixture.StartAsync();
        string greedy = f.Generate("stop test", 30, 0, null, chat: false);
        Assert.True(greedy.Length >= 6, "the greedy continuation is long enough to pick a stop string from");
        string stop = greedy.Substring(3, 2);
        var json = await Json(await f.Client.PostAsync("v1/completions", Body(new { prompt = "stop test", max_tokens = 30, temperature = 0, stop })));
        var choice = json.GetProperty("choices")[0];
        Assert.Equal(greedy[..greedy.IndexOf(stop, StringComparison.Ordinal)], choice.GetProperty("text").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task TokenIdPromptsAndReturnedTokenIdsSkipTokenization()
    {
        await using var f = await ServingFixture.StartAsync();
        var ids = f.Tokenizer.Encode("ids in");
        var json = await Json(await f.Client.PostAsync("v1/completions", Body(new { prompt = ids, max_tokens = 5, temperature = 0, return_token_ids = true })));
        var returned = json.GetProperty("choices")[0].GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var expected = new R1Sharp.Generation.BatchedGenerator(f.Reference).Generate([ids], new R1Sharp.Generation.SamplingOptions { MaxNewTokens = 5, Temperature = 0, EosIds = f.Tokenizer.EosIds })[0].Tokens;
        Assert.Equal(expected, returned);

        var outside = await f.Client.PostAsync("v1/completions", Body(new { prompt = new[] { 1, 2, 5000 }, max_tokens = 2 }));
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
    }
}
