using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using R1Sharp.IO;
using R1Sharp.Text;
using R1Sharp.Training.Grpo;

namespace R1Sharp.Training.Rollouts;

/// <summary>
/// Sends GRPO's generation to OpenAI-compatible servers instead of the in-process generator: how a run scales past
/// one machine onto existing inference engines. Prompts go as token ids (no tokenization round trip), spread
/// round-robin over the endpoints; completions come back as token ids when the server supports
/// <c>return_token_ids</c> (`r1 serve`, recent vLLM), else the text is re-tokenized with the policy's tokenizer.
/// Log-probabilities are not taken from the servers: the trainer recomputes them with its own policy, so a
/// server running in another precision or a slightly stale copy cannot bias the loss. After each optimizer step
/// the policy is saved to <see cref="RemoteRolloutOptions.WeightsDirectory"/> and every server reloads it (with LoRA
/// only the adapter is saved, megabytes instead of the whole model, and `r1 serve` attaches it to its base); the engine
/// holds a <see cref="RunDirectoryLock"/> on that folder from construction to <see cref="Dispose"/>, so two trainers
/// never push weights into one folder.
/// </summary>
public sealed class RemoteRolloutEngine : IRolloutEngine, IDisposable
{
    private readonly RemoteRolloutOptions _options;
    private readonly ITextTokenizer _tokenizer;
    private readonly Func<string, CancellationToken, Task>? _savePolicy;
    private readonly HttpClient _http;
    private readonly RunDirectoryLock? _weightsLock;
    private int _next;

    /// <summary>Creates the engine.</summary>
    /// <param name="options">Endpoints and limits.</param>
    /// <param name="tokenizer">The policy's tokenizer (for servers that return only text).</param>
    /// <param name="savePolicy">Writes the current policy as a checkpoint directory at the given path (null: never push weights).</param>
    /// <param name="handler">HTTP handler (tests); null uses a default one.</param>
    /// <exception cref="ArgumentException">No endpoint, or a non-http(s) one.</exception>
    /// <exception cref="RunDirectoryInUseException">Another process pushes weights into the same <see cref="RemoteRolloutOptions.WeightsDirectory"/>.</exception>
    public RemoteRolloutEngine(RemoteRolloutOptions options, ITextTokenizer tokenizer, Func<string, CancellationToken, Task>? savePolicy, HttpMessageHandler? handler = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        if (options.Endpoints.Count == 0) throw new ArgumentException("rollout endpoints: at least one URL is needed");
        foreach (var e in options.Endpoints)
            if (e.Scheme is not ("http" or "https")) throw new ArgumentException($"rollout endpoint '{e}' is not an http(s) URL");
        if (options.MaxConcurrency < 1) throw new ArgumentException("rollout MaxConcurrency must be positive");
        _savePolicy = savePolicy;
        // Last, so a refused constructor leaves nothing to dispose.
        if (savePolicy is not null && options.WeightsDirectory is not null) _weightsLock = RunDirectoryLock.Acquire(options.WeightsDirectory);
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = options.RequestTimeout;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Rollout>> GenerateAsync(IReadOnlyList<IReadOnlyList<int>> prompts, RolloutSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(settings);
        using var gate = new SemaphoreSlim(_options.MaxConcurrency);
        var tasks = prompts.Select(async (prompt, index) =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var endpoint = _options.Endpoints[Interlocked.Increment(ref _next) % _options.Endpoints.Count];
                return await CompleteAsync(endpoint, prompt, index, settings, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        });
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task OnPolicyUpdatedAsync(int step, CancellationToken cancellationToken)
    {
        if (_savePolicy is null || _options.WeightsDirectory is null) return;
        // Alternate between two directories so a server still reading the previous weights is never disturbed.
        string target = Path.GetFullPath(Path.Combine(_options.WeightsDirectory, step % 2 == 0 ? "even" : "odd"));
        Directory.CreateDirectory(target);
        await _savePolicy(target, cancellationToken).ConfigureAwait(false);
        var body = JsonSerializer.Serialize(new { path = target });
        await Task.WhenAll(_options.Endpoints.Select(async endpoint =>
        {
            using var request = Request(HttpMethod.Post, new Uri(endpoint, "v1/reload"), body);
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"{endpoint}: reload of {target} failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        })).ConfigureAwait(false);
    }

    private async Task<Rollout> CompleteAsync(Uri endpoint, IReadOnlyList<int> prompt, int index, RolloutSettings settings, CancellationToken cancellationToken)
    {
        string body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["model"] = _options.ModelName,
            ["prompt"] = prompt,
            ["max_tokens"] = settings.MaxNewTokens,
            ["temperature"] = settings.Temperature,
            ["top_p"] = settings.TopP,
            ["seed"] = settings.Seed + index,
            ["return_token_ids"] = true,
        }.Where(kv => kv.Value is not null).ToDictionary());
        var uri = new Uri(endpoint, "v1/completions");
        for (int attempt = 1; ; attempt++)
        {
            HttpResponseMessage? response = null;
            try
            {
                using var request = Request(HttpMethod.Post, uri, body);
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                    return Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), index, settings, uri);
                bool retry = response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
                if (!retry || attempt >= _options.MaxAttempts)
                    throw new HttpRequestException($"{uri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(250 * Math.Pow(2, attempt - 1));
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (response is null && attempt < _options.MaxAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Pow(2, attempt - 1)), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                response?.Dispose();
            }
        }
    }

    private Rollout Parse(string json, int index, RolloutSettings settings, Uri uri)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var choice = document.RootElement.GetProperty("choices")[0];
            bool truncated = choice.TryGetProperty("finish_reason", out var finish) && finish.GetString() == "length";
            int[] tokens = choice.TryGetProperty("token_ids", out var ids) && ids.ValueKind == JsonValueKind.Array
                ? ids.EnumerateArray().Select(i => i.GetInt32()).ToArray()
                : Retokenize(choice.GetProperty("text").GetString() ?? "", truncated, settings);
            return new Rollout(index, tokens, null, truncated);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"{uri}: malformed completion response: {e.Message}", e);
        }
    }

    private int[] Retokenize(string text, bool truncated, RolloutSettings settings)
    {
        // The server ended on EOS unless it hit the length limit; the trainer must see that EOS to learn to stop.
        var ids = _tokenizer.Encode(text).ToList();
        if (!truncated && settings.EosIds.Count > 0) ids.Add(settings.EosIds[0]);
        return [.. ids];
    }

    private HttpRequestMessage Request(HttpMethod method, Uri uri, string body)
    {
        var request = new HttpRequestMessage(method, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (_options.ApiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        return request;
    }

    /// <summary>Frees the HTTP client and releases the weights folder.</summary>
    public void Dispose()
    {
        _http.Dispose();
        _weightsLock?.Dispose();
    }
}
