using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using R1Sharp.Serving.Engine;
using R1Sharp.Serving.Protocol;

namespace R1Sharp.Serving.Http;

/// <summary>
/// An OpenAI-compatible HTTP server for one model: /v1/chat/completions (streaming over server-sent events),
/// /v1/completions, /v1/models, /health, and POST /v1/reload (new weights from a checkpoint directory, so a GRPO
/// trainer can push its policy after each update). Concurrent requests share the continuous-batching engine.
/// </summary>
/// <remarks>
/// One writer per folder (<see cref="IO.RunDirectoryLock"/>) holds for the reload folder through its writer: the
/// trainer (<c>r1 grpo --rollout-endpoints</c>) locks its rollout-weights folder for the whole run, so a second
/// trainer cannot push into it. The server only reads a reload folder and takes no lock: one for its lifetime would
/// refuse the very trainer that writes there, and one while reading would need write access to a checkpoint folder
/// that may be read-only, and would make the trainer's next save fail instead of wait. The trainer alternates
/// between two sub-folders and waits for every reload to answer, so it never rewrites the folder being read.
/// </remarks>
public sealed class OpenAiServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never };
    private readonly WebApplication _app;
    private readonly ServedModel _served;
    private readonly ServeOptions _options;

    private OpenAiServer(WebApplication app, ServedModel served, ServeOptions options)
    {
        _app = app;
        _served = served;
        _options = options;
    }

    /// <summary>The address the server listens on (with the real port when 0 was asked for).</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Starts listening.</summary>
    /// <exception cref="ArgumentException">Invalid options (the message names the option).</exception>
    public static async Task<OpenAiServer> StartAsync(ServedModel served, ServeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(served);
        ArgumentNullException.ThrowIfNull(options);
        var app = KestrelHost.Build(options);
        var server = new OpenAiServer(app, served, options);
        server.MapRoutes();
        server.BaseAddress = await KestrelHost.StartAsync(app, cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>Completes when the host stops (Ctrl+C or <see cref="DisposeAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    private void MapRoutes()
    {
        _app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/v1") && !Authorized(context.Request))
            {
                await WriteError(context, StatusCodes.Status401Unauthorized, "invalid or missing API key", "authentication_error", null).ConfigureAwait(false);
                return;
            }
            await next(context).ConfigureAwait(false);
        });
        _app.MapGet("/health", () => Results.Ok(new { status = "ok", queue = _served.Engine.QueueLength }));
        _app.MapGet("/v1/models", () => Results.Json(new
        {
            @object = "list",
            data = new[] { new { id = _served.Name, @object = "model", created = 0, owned_by = "r1sharp", max_model_len = _served.Engine.ContextLength } },
        }));
        _app.MapPost("/v1/chat/completions", ChatAsync);
        _app.MapPost("/v1/completions", CompletionAsync);
        _app.MapPost("/v1/reload", ReloadAsync);
    }

    private bool Authorized(HttpRequest request) => BearerApiKey.Matches(request, _options.ApiKey);

    private async Task ChatAsync(HttpContext context)
    {
        await HandleAsync(context, chat: true, body =>
        {
            var request = RequestParser.ParseChatRequest(body, _options);
            CheckModel(request.Model);
            if (_served.ChatFormatter is null)
                throw new RequestValidationException("messages", "this model has no chat template; use /v1/completions");
            string prompt;
            try
            {
                prompt = _served.ChatFormatter.Format(request.Messages, addGenerationPrompt: true, request.Tools);
            }
            catch (NotSupportedException e)
            {
                throw new RequestValidationException("tools", e.Message);
            }
            return ([_served.Tokenizer.Encode(prompt, addSpecialTokens: false)], request.Parameters);
        }).ConfigureAwait(false);
    }

    private async Task CompletionAsync(HttpContext context)
    {
        await HandleAsync(context, chat: false, body =>
        {
            var (model, prompts, parameters) = RequestParser.ParseCompletion(body, _options);
            CheckModel(model);
            int vocab = _served.Engine.Model.Config.VocabSize;
            return (prompts.Select(p =>
            {
                if (p.TokenIds is { } ids)
                    return ids.All(id => id < vocab) ? ids : throw new RequestValidationException("prompt", $"a token id in 'prompt' is outside the vocabulary [0, {vocab})");
                return _served.Tokenizer.Encode(p.Text!, addSpecialTokens: true);
            }).ToList(), parameters);
        }).ConfigureAwait(false);
    }

    private void CheckModel(string? model)
    {
        if (model is not null && model != _served.Name)
            throw new RequestValidationException("model", $"model '{model}' is not served here (this server serves '{_served.Name}')");
    }

    private async Task HandleAsync(HttpContext context, bool chat, Func<string, (IReadOnlyList<IReadOnlyList<int>> Prompts, CompletionParameters Parameters)> parse)
    {
        var aborted = context.RequestAborted;
        CompletionRun run;
        CompletionParameters parameters;
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
                body = await reader.ReadToEndAsync(aborted).ConfigureAwait(false);
            (var prompts, parameters) = parse(body);
            int room = _served.Engine.ContextLength - prompts.Max(p => p.Count);
            if (!parameters.MaxTokensFromRequest && room >= 1 && room < parameters.MaxTokens)
                parameters = parameters with { MaxTokens = room };
            foreach (var p in prompts)
                if (p.Count + parameters.MaxTokens > _served.Engine.ContextLength)
                    throw new RequestValidationException("max_tokens", $"the prompt ({p.Count} tokens) plus max_tokens ({parameters.MaxTokens}) exceeds the context length {_served.Engine.ContextLength}");
            run = new CompletionRun(_served, prompts, parameters, aborted);
            run.Submit(_served.Engine);
        }
        catch (RequestValidationException e)
        {
            await WriteError(context, StatusCodes.Status400BadRequest, e.Message, "invalid_request_error", e.Param).ConfigureAwait(false);
            return;
        }
        catch (BadHttpRequestException e)
        {
            await WriteError(context, e.StatusCode, e.Message, "invalid_request_error", null).ConfigureAwait(false);
            return;
        }
        catch (EngineOverloadedException e)
        {
            context.Response.Headers.RetryAfter = "1";
            await WriteError(context, StatusCodes.Status429TooManyRequests, e.Message, "rate_limit_error", null).ConfigureAwait(false);
            return;
        }

        string id = (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        try
        {
            if (parameters.Stream) await StreamAsync(context, run, parameters, chat, id, created).ConfigureAwait(false);
            else await RespondAsync(context, run, parameters, chat, id, created).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client left: its jobs see the same token and leave the batch at the next step.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            // A failure inside the engine reaches the client as an OpenAI-style server error, not a bare 500.
            await WriteError(context, StatusCodes.Status500InternalServerError, $"generation failed: {e.GetBaseException().Message}", "server_error", null).ConfigureAwait(false);
        }
    }

    private async Task RespondAsync(HttpContext context, CompletionRun run, CompletionParameters parameters, bool chat, string id, long created)
    {
        await foreach (var _ in run.ReadAllAsync(context.RequestAborted).ConfigureAwait(false)) { }
        var tokenizer = _served.Tokenizer;
        object[] choices = run.Decoders.Select((d, i) => chat
            ? ChatChoice(i, d, parameters)
            : parameters.ReturnTokenIds
                ? new { index = i, text = d.Text, logprobs = OpenAiResponses.LogProbs(tokenizer, d, parameters.LogProbs), finish_reason = OpenAiResponses.FinishName(d.Finish), token_ids = d.Tokens.ToArray() }
                : new { index = i, text = d.Text, logprobs = OpenAiResponses.LogProbs(tokenizer, d, parameters.LogProbs), finish_reason = OpenAiResponses.FinishName(d.Finish) }).ToArray();
        var body = new
        {
            id,
            @object = chat ? "chat.completion" : "text_completion",
            created,
            model = _served.Name,
            choices,
            usage = OpenAiResponses.Usage(run.PromptTokens, run.CompletionTokens),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body, Json), context.RequestAborted).ConfigureAwait(false);
    }

    private object ChatChoice(int index, ChoiceDecoder d, CompletionParameters parameters)
    {
        var logprobs = OpenAiResponses.LogProbs(_served.Tokenizer, d, parameters.LogProbs);
        var (message, finish) = ToolCallReply.Message(d.Text, OpenAiResponses.FinishName(d.Finish), parameters.ToolCalls, parameters.FencedPythonCalls);
        return parameters.ReturnTokenIds
            ? new { index, message, logprobs, finish_reason = finish, token_ids = d.Tokens.ToArray() }
            : new { index, message, logprobs, finish_reason = finish };
    }

    private async Task StreamAsync(HttpContext context, CompletionRun run, CompletionParameters parameters, bool chat, string id, long created)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        string kind = chat ? "chat.completion.chunk" : "text_completion";
        var ct = context.RequestAborted;

        async Task Send(object chunk)
        {
            await response.WriteAsync("data: " + JsonSerializer.Serialize(chunk, Json) + "\n\n", ct).ConfigureAwait(false);
            await response.Body.FlushAsync(ct).ConfigureAwait(false);
        }

        if (chat)
            for (int i = 0; i < run.Decoders.Count; i++)
                await Send(new { id, @object = kind, created, model = _served.Name, choices = new[] { new { index = i, delta = new { role = "assistant", content = "" }, logprobs = (object?)null, finish_reason = (string?)null } } }).ConfigureAwait(false);

        // With tools, content stops streaming where a tool call begins and the calls come in one delta at the end.
        var toolStreams = chat && parameters.ToolCalls ? run.Decoders.Select(_ => new ToolCallStream(parameters.FencedPythonCalls)).ToArray() : null;
        await foreach (var update in run.ReadAllAsync(ct).ConfigureAwait(false))
        {
            string delta = update.Delta;
            string? finish = update.Finish is null ? null : OpenAiResponses.FinishName(update.Finish);
            if (toolStreams?[update.Choice] is { } tools)
            {
                delta = tools.Add(delta);
                if (update.Finish is not null && tools.Complete() is var (rest, calls))
                {
                    delta += rest;
                    if (calls.Count > 0)
                    {
                        await Send(new { id, @object = kind, created, model = _served.Name, choices = new[] { new { index = update.Choice, delta = new { content = delta.Length == 0 ? null : delta, tool_calls = ToolCallReply.Calls(calls, streamed: true) }, logprobs = (object?)null, finish_reason = (string?)null } } }).ConfigureAwait(false);
                        (delta, finish) = ("", ToolCallReply.FinishReason);
                    }
                }
            }
            if (delta.Length == 0 && update.Finish is null && !parameters.LogProbs) continue;
            object? logprobs = parameters.LogProbs && update.Token is int token
                ? new { content = new[] { new { token = ChoiceDecoder.DecodeText(_served.Tokenizer, [token]), logprob = update.LogProb, top_logprobs = Array.Empty<object>() } } }
                : null;
            object choice = chat
                ? new { index = update.Choice, delta = new { content = delta }, logprobs, finish_reason = finish }
                : new { index = update.Choice, text = delta, logprobs, finish_reason = finish };
            await Send(new { id, @object = kind, created, model = _served.Name, choices = new[] { choice } }).ConfigureAwait(false);
        }
        if (parameters.IncludeUsage)
            await Send(new { id, @object = kind, created, model = _served.Name, choices = Array.Empty<object>(), usage = OpenAiResponses.Usage(run.PromptTokens, run.CompletionTokens) }).ConfigureAwait(false);
        await response.WriteAsync("data: [DONE]\n\n", ct).ConfigureAwait(false);
    }

    private async Task ReloadAsync(HttpContext context)
    {
        if (_served.LoadWeights is null)
        {
            await WriteError(context, StatusCodes.Status404NotFound, "weight reload is not enabled on this server", "invalid_request_error", null).ConfigureAwait(false);
            return;
        }
        string? path;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
            path = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        }
        catch (JsonException e)
        {
            await WriteError(context, StatusCodes.Status400BadRequest, $"the request body is not valid JSON: {e.Message}", "invalid_request_error", null).ConfigureAwait(false);
            return;
        }
        if (string.IsNullOrEmpty(path) || !Directory.Exists(path))
        {
            await WriteError(context, StatusCodes.Status400BadRequest, "'path' must name an existing checkpoint directory", "invalid_request_error", "path").ConfigureAwait(false);
            return;
        }
        var watch = Stopwatch.StartNew();
        try
        {
            await _served.Engine.ReloadAsync(() => _served.LoadWeights(path), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            await WriteError(context, StatusCodes.Status400BadRequest, $"reload failed: {e.Message}", "invalid_request_error", "path").ConfigureAwait(false);
            return;
        }
        await context.Response.WriteAsJsonAsync(new { status = "reloaded", path, seconds = watch.Elapsed.TotalSeconds }, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteError(HttpContext context, int status, string message, string type, string? param)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(OpenAiResponses.Error(message, type, param), Json), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Stops the host (in-flight requests get <see cref="ServeOptions.ShutdownGrace"/> to finish).</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
