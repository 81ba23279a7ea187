namespace R1Sharp.Evaluation.Backends;

/// <summary>
/// Samples from any server that speaks OpenAI's chat completions protocol (vLLM, SGLang, llama.cpp's server,
/// TGI, <c>r1 serve</c>, hosted APIs). The server applies the model's chat template. Transient failures (429, 5xx,
/// timeouts, dropped connections, and a 200 whose body is malformed or truncated) are retried per
/// <see cref="OpenAICompatibleOptions.Retry"/>; a sample is reported as failed only when the retries are spent, or
/// at once for a client error (4xx).
/// </summary>
public sealed class OpenAICompatibleBackend : ICompletionBackend, IDisposable
{
    private readonly OpenAICompatibleOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ServedContextLength _context;

    /// <summary>Creates the backend.</summary>
    /// <param name="options">Endpoint, model, key, timeouts and retries.</param>
    /// <param name="httpClient">A client to use (its timeout is ignored: <see cref="OpenAICompatibleOptions.RequestTimeout"/> applies); null to create one.</param>
    public OpenAICompatibleBackend(OpenAICompatibleOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoint.Scheme is not ("http" or "https"))
            throw new ArgumentException($"endpoint must be an http(s) URL, got '{options.Endpoint}'", nameof(options));
        if (string.IsNullOrWhiteSpace(options.Model)) throw new ArgumentException("model name is required", nameof(options));
        _options = options;
        _ownsHttp = httpClient is null;
        // Per-attempt timeouts are enforced with a CancellationTokenSource, so the client's own one is disabled.
        _http = httpClient ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _context = new ServedContextLength(_http, options);
    }

    /// <inheritdoc />
    public string Description => $"{_options.Model} @ {_options.ChatCompletionsUri}";

    /// <inheritdoc />
    public async Task<IReadOnlyList<Completion>> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Count, 1);
        int? context = await _context.GetAsync(cancellationToken).ConfigureAwait(false);
        int maxTokens = ContextWindow.Cap(request.Sampling.MaxTokens, context, request.Messages);
        if (maxTokens < 1)
            return Fail(request.Count, $"prompt does not fit the model's context of {context} tokens");
        string body = ChatCompletionsWireFormat.BuildRequest(_options.Model, request with { Sampling = request.Sampling with { MaxTokens = maxTokens } });
        var outcome = await RetryingJsonPost.SendAsync(_http, _options.ChatCompletionsUri, body, _options.ApiKey, _options.RequestTimeout, _options.Retry,
            reply =>
            {
                var completions = ChatCompletionsWireFormat.ParseReply(reply, request.Count, out string? malformed);
                return (completions, malformed);
            }, cancellationToken).ConfigureAwait(false);
        if (outcome.Problem is null) return outcome.Value!;
        // The last reply was malformed: keep its good choices, mark the others.
        return outcome.Value is null
            ? Fail(request.Count, outcome.Problem)
            : outcome.Value.Select(c => c.Error is null ? c : c with { Error = c.Error + GaveUpSuffix(outcome.Problem) }).ToArray();
    }

    private static string GaveUpSuffix(string problem)
    {
        int at = problem.LastIndexOf(" (gave up after ", StringComparison.Ordinal);
        return at < 0 ? "" : problem[at..];
    }

    private static Completion[] Fail(int count, string error) =>
        Enumerable.Range(0, count).Select(_ => Completion.Failure(error)).ToArray();

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
        _context.Dispose();
    }
}
