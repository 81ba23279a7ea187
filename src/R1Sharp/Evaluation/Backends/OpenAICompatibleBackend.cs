using System.Net;
using System.Net.Http.Headers;
using System.Text;

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
    private readonly SemaphoreSlim _contextLookup = new(1, 1);
    private int? _contextLength;
    private bool _contextKnown;

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
    }

    /// <inheritdoc />
    public string Description => $"{_options.Model} @ {_options.ChatCompletionsUri}";

    /// <inheritdoc />
    public async Task<IReadOnlyList<Completion>> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Count, 1);
        int? context = await ContextLengthAsync(cancellationToken).ConfigureAwait(false);
        int maxTokens = ContextWindow.Cap(request.Sampling.MaxTokens, context, request.Messages);
        if (maxTokens < 1)
            return Fail(request.Count, $"prompt does not fit the model's context of {context} tokens");
        string body = ChatCompletionsWireFormat.BuildRequest(_options.Model, request with { Sampling = request.Sampling with { MaxTokens = maxTokens } });
        string lastProblem = "no attempt made";
        IReadOnlyList<Completion>? lastMalformed = null;
        for (int attempt = 0; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            lastMalformed = null;
            using (var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attemptTimeout.CancelAfter(_options.RequestTimeout);
                try
                {
                    using var message = new HttpRequestMessage(HttpMethod.Post, _options.ChatCompletionsUri)
                    {
                        Content = new StringContent(body, Encoding.UTF8, "application/json"),
                    };
                    if (!string.IsNullOrEmpty(_options.ApiKey))
                        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
                    using var response = await _http.SendAsync(message, attemptTimeout.Token).ConfigureAwait(false);
                    string reply = await response.Content.ReadAsStringAsync(attemptTimeout.Token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        var completions = ChatCompletionsWireFormat.ParseReply(reply, request.Count, out string? malformed);
                        if (malformed is null) return completions;
                        // A broken or cut-off 200 is as transient as a 5xx: ask again rather than score a failure.
                        (lastProblem, lastMalformed) = (malformed, completions);
                    }
                    else
                    {
                        int status = (int)response.StatusCode;
                        lastProblem = $"HTTP {status} {response.ReasonPhrase}: {ChatCompletionsWireFormat.Preview(reply)}";
                        if (!RetryPolicy.IsTransient(status)) return Fail(request.Count, lastProblem);
                        retryAfter = RetryAfterOf(response);
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    lastProblem = $"timed out after {_options.RequestTimeout.TotalSeconds:0.#} s";
                }
                catch (HttpRequestException e)
                {
                    lastProblem = $"connection failed: {e.Message}";
                }
            }
            if (attempt >= _options.Retry.MaxRetries)
            {
                string gaveUp = $" (gave up after {attempt + 1} attempts)";
                // The last reply was malformed: keep its good choices, mark the others.
                return lastMalformed is null
                    ? Fail(request.Count, lastProblem + gaveUp)
                    : lastMalformed.Select(c => c.Error is null ? c : c with { Error = c.Error + gaveUp }).ToArray();
            }
            await Task.Delay(_options.Retry.DelayBefore(attempt, retryAfter, Random.Shared.NextDouble()), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The context length from the options, else asked once from the server's <c>/models</c>.</summary>
    private async Task<int?> ContextLengthAsync(CancellationToken cancellationToken)
    {
        if (_options.ContextLength is { } configured) return configured;
        await _contextLookup.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_contextKnown) return _contextLength;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Get, _options.ModelsUri);
                if (!string.IsNullOrEmpty(_options.ApiKey))
                    message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
                using var response = await _http.SendAsync(message, timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                    _contextLength = ContextWindow.FromModelsReply(await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false), _options.Model);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // No /models (hosted APIs, llama.cpp variants): leave max_tokens as asked.
            }
            _contextKnown = true;
            return _contextLength;
        }
        finally
        {
            _contextLookup.Release();
        }
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow;
        return response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, out double milliseconds)
            ? TimeSpan.FromMilliseconds(milliseconds)
            : null;
    }

    private static Completion[] Fail(int count, string error) =>
        Enumerable.Range(0, count).Select(_ => Completion.Failure(error)).ToArray();

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
        _contextLookup.Dispose();
    }
}
