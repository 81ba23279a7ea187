using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using R1Sharp.Models;
using R1Sharp.Serving;
using R1Sharp.Serving.Http;
using R1Sharp.Text;

namespace R1Sharp.RewardModels;

/// <summary>
/// Serves a reward model (an <c>r1 rm</c> checkpoint, or any one-label <c>...ForSequenceClassification</c>) over
/// vLLM's classification protocol, so <c>reward_model(url=...)</c> scores on another machine exactly as in-process:
/// <c>POST /classify</c> (and <c>/v1/classify</c>, SGLang's path) takes <c>{"model", "input": text or [texts],
/// "use_activation", "truncate_prompt_tokens"}</c> and answers <c>{"data": [{"index", "label", "probs": [p],
/// "num_classes": 1}]}</c>, where p is σ(score) by default (vLLM's activation for one label) and the raw score with
/// <c>"use_activation": false</c>. A text longer than the context is refused (400) unless the request asks for
/// truncation, which keeps the last tokens. Also <c>GET /v1/models</c> and <c>/health</c>; the API key applies to
/// every path but <c>/health</c>. Binds to loopback unless told otherwise (<see cref="ServeOptions.Host"/>).
/// </summary>
public sealed class RewardModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RewardModel _model;
    private readonly ITextTokenizer _tokenizer;
    private readonly ServeOptions _options;
    private RewardModel? _ownedModel;

    private RewardModelServer(WebApplication app, RewardModel model, ITextTokenizer tokenizer, ServeOptions options)
    {
        (_app, _model, _tokenizer, _options) = (app, model, tokenizer, options);
    }

    /// <summary>The address the server listens on (with the real port when 0 was asked for).</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Starts listening. The model and tokenizer stay the caller's.</summary>
    /// <exception cref="ArgumentException">Invalid options (the message names the option).</exception>
    public static async Task<RewardModelServer> StartAsync(RewardModel model, ITextTokenizer tokenizer, ServeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(options);
        var app = KestrelHost.Build(options);
        var server = new RewardModelServer(app, model, tokenizer, options);
        server.MapRoutes();
        server.BaseAddress = await KestrelHost.StartAsync(app, cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>Loads a reward-model directory (config, weights, tokenizer) and serves it; the server owns the model.</summary>
    /// <param name="directory">An <c>r1 rm</c> checkpoint or any one-label <c>...ForSequenceClassification</c> one.</param>
    /// <param name="device"><c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</param>
    /// <param name="dtype">f32 or bf16; null for the checkpoint's.</param>
    /// <param name="options">Address, name, key, context length (longest text) and batch size (<see cref="ServeOptions.MaxBatch"/>).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<RewardModelServer> StartFromDirectoryAsync(string directory, string device, string? dtype, ServeOptions options, CancellationToken cancellationToken = default)
    {
        var model = RewardModelCheckpoint.Load(directory, DeviceSelection.Parse(device), DeviceSelection.ParseOptionalDtype(dtype));
        try
        {
            var server = await StartAsync(model, Tasks.ModelDirectoryTokenizer.Load(directory), options, cancellationToken).ConfigureAwait(false);
            server._ownedModel = model;
            return server;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Completes when the host stops (Ctrl+C or <see cref="DisposeAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    private void MapRoutes()
    {
        _app.Use(async (context, next) =>
        {
            if (context.Request.Path != "/health" && !BearerApiKey.Matches(context.Request, _options.ApiKey))
            {
                await WriteError(context, StatusCodes.Status401Unauthorized, "invalid or missing API key", "authentication_error").ConfigureAwait(false);
                return;
            }
            await next(context).ConfigureAwait(false);
        });
        _app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        _app.MapGet("/v1/models", () => Results.Json(new
        {
            @object = "list",
            data = new[] { new { id = _options.ModelName, @object = "model", created = 0, owned_by = "r1sharp", max_model_len = _options.ContextLength } },
        }));
        _app.MapPost("/classify", ClassifyAsync);
        _app.MapPost("/v1/classify", ClassifyAsync);
    }

    private async Task ClassifyAsync(HttpContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        ClassifyRequest request;
        try
        {
            request = ClassifyRequest.Parse(body, _options.ModelName);
        }
        catch (ArgumentException e)
        {
            await WriteError(context, StatusCodes.Status400BadRequest, e.Message, "invalid_request_error").ConfigureAwait(false);
            return;
        }
        var sequences = new List<IReadOnlyList<int>>(request.Inputs.Count);
        int promptTokens = 0;
        for (int i = 0; i < request.Inputs.Count; i++)
        {
            var ids = _tokenizer.Encode(request.Inputs[i], addSpecialTokens: true);
            int limit = request.TruncateTo is { } t ? Math.Min(t, _options.ContextLength) : _options.ContextLength;
            if (ids.Count > limit && request.TruncateTo is null)
            {
                await WriteError(context, StatusCodes.Status400BadRequest,
                    $"input {i} has {ids.Count} tokens, more than the context length {_options.ContextLength}; set truncate_prompt_tokens to keep the last ones", "invalid_request_error").ConfigureAwait(false);
                return;
            }
            if (ids.Count == 0)
            {
                await WriteError(context, StatusCodes.Status400BadRequest, $"input {i} is empty", "invalid_request_error").ConfigureAwait(false);
                return;
            }
            var kept = ids.Count > limit ? ids.Skip(ids.Count - limit).ToArray() : ids;
            promptTokens += kept.Count;
            sequences.Add(kept);
        }
        double[] scores = await Task.Run(() => _model.Score(sequences, _tokenizer.PadId, _options.MaxBatch, context.RequestAborted), context.RequestAborted).ConfigureAwait(false);
        var data = scores.Select((s, i) => new
        {
            index = i,
            label = "LABEL_0",
            probs = new[] { request.UseActivation ? 1 / (1 + Math.Exp(-s)) : s },
            num_classes = 1,
        }).ToArray();
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            id = "classify-" + Guid.NewGuid().ToString("N"),
            @object = "list",
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model = _options.ModelName,
            data,
            usage = new { prompt_tokens = promptTokens, total_tokens = promptTokens, completion_tokens = 0 },
        }), context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteError(HttpContext context, int status, string message, string type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { message, type, param = (string?)null, code = (string?)null } })).ConfigureAwait(false);
    }

    /// <summary>Stops listening (and frees the model when the server loaded it).</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _ownedModel?.Dispose();
    }
}
