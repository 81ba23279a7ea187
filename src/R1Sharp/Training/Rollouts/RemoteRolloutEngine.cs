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
/// one machine onto existing inference engines (<c>r1 serve</c>, vLLM, SGLang: <see cref="RemoteRolloutOptions.Backend"/>).
/// Prompts go as token ids (no tokenization round trip), spread round-robin over the endpoints; completions are read by
/// <see cref="RemoteCompletion"/> (token ids where the server returns them, and from vLLM and SGLang the sampled tokens'
/// log-probs, for the trainer's importance-sampling correction). Every <see cref="RemoteRolloutOptions.SyncSteps"/>
/// optimizer steps the policy is written to <see cref="RemoteRolloutOptions.WeightsDirectory"/> (with LoRA only the
/// adapter) and every server is told to load it through its engine's own API (<see cref="WeightSyncPlan"/>). A server
/// that refuses or times out stops the run with a <see cref="RolloutSyncException"/> naming it and the step, and the
/// engine samples nothing after that: the server may hold half-loaded weights. The engine holds a
/// <see cref="RunDirectoryLock"/> on the weights folder from construction to <see cref="Dispose"/>, so two trainers
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
    private bool _needsSync;
    private int? _failedStep;

    /// <summary>Creates the engine.</summary>
    /// <param name="options">Endpoints and limits.</param>
    /// <param name="tokenizer">The policy's tokenizer (for servers that return only text).</param>
    /// <param name="savePolicy">Writes the current policy as a checkpoint directory at the given path (null: never push weights, as
    /// on the ranks other than 0 of a data-parallel run, which only sample: see <c>RankZeroWeightSync</c>).</param>
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
        // vLLM samples a LoRA policy under the adapter's name, which exists only once it has been loaded (OnFreshStartAsync).
        _needsSync = savePolicy is not null && options is { WeightsDirectory: not null, Backend: RolloutBackend.Vllm, AdapterOnly: true };
    }

    /// <summary>True for vLLM and SGLang: their samples come from other kernels, so the trainer corrects for the mismatch.</summary>
    public bool SamplesElsewhere => _options.Backend is RolloutBackend.Vllm or RolloutBackend.Sglang;

    /// <inheritdoc />
    public async Task<IReadOnlyList<Rollout>> GenerateAsync(IReadOnlyList<IReadOnlyList<int>> prompts, RolloutSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(settings);
        if (_failedStep is int failed)
            throw new InvalidOperationException($"rollout servers may hold half-loaded weights after the failed sync of step {failed}; not sampling from them");
        if (_needsSync)
            throw new InvalidOperationException("vLLM samples a LoRA policy under its adapter's name, which the servers know only once it is loaded: call OnFreshStartAsync (or SyncAsync) before sampling");
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
    public Task OnPolicyUpdatedAsync(int step, CancellationToken cancellationToken) =>
        step % Math.Max(1, _options.SyncSteps) == 0 ? SyncAsync(step, cancellationToken) : Task.CompletedTask;

    /// <inheritdoc />
    public Task OnFreshStartAsync(CancellationToken cancellationToken) => _needsSync ? SyncAsync(0, cancellationToken) : Task.CompletedTask;

    /// <inheritdoc />
    public Task OnResumedAsync(int step, CancellationToken cancellationToken) => SyncAsync(step, cancellationToken);

    /// <summary>Writes the policy and has every server load it (see <see cref="WeightSyncPlan"/>).</summary>
    /// <param name="step">The optimizer step the weights are from (named in errors).</param>
    /// <param name="cancellationToken">Cancels the write and the calls.</param>
    /// <exception cref="RolloutSyncException">A server refused, failed or timed out; the engine samples nothing more.</exception>
    public async Task SyncAsync(int step, CancellationToken cancellationToken)
    {
        if (_savePolicy is null || _options.WeightsDirectory is null) return;
        // Alternate between two directories so a server still reading the previous weights is never disturbed; each is
        // written whole (temporary name, then rename) before any server is told about it.
        string target = Path.GetFullPath(Path.Combine(_options.WeightsDirectory, step % 2 == 0 ? "even" : "odd"));
        await AtomicDirectory.WriteAsync(target, dir => _savePolicy(dir, cancellationToken), cancellationToken).ConfigureAwait(false);
        var calls = WeightSyncPlan.For(_options, target);
        try
        {
            await Task.WhenAll(_options.Endpoints.Select(endpoint => LoadAsync(endpoint, calls, step, cancellationToken))).ConfigureAwait(false);
        }
        catch (RolloutSyncException)
        {
            _failedStep = step;
            throw;
        }
        _needsSync = false;
    }

    private async Task LoadAsync(Uri endpoint, IReadOnlyList<WeightSyncCall> calls, int step, CancellationToken cancellationToken)
    {
        // In order, stopping at the first failure: a vLLM server that failed to reload stays paused rather than resuming on half-loaded weights.
        foreach (var call in calls)
        {
            var uri = new Uri(endpoint, call.Path);
            string where = $"rollout weight sync at step {step}: {_options.Backend.ToString().ToLowerInvariant()} server {endpoint} POST /{call.Path}";
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.SyncTimeout);
            try
            {
                using var request = Request(HttpMethod.Post, uri, call.Body);
                using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
                string answer = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                    throw new RolloutSyncException($"{where} was refused with {(int)response.StatusCode}: {Shorten(answer)}. The run stopped; its last checkpoint is intact.");
                if (ReportsFailure(answer))
                    throw new RolloutSyncException($"{where} answered success=false: {Shorten(answer)}. The run stopped; its last checkpoint is intact.");
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RolloutSyncException($"{where} did not answer within {_options.SyncTimeout.TotalSeconds:0.###} s (rollout_sync_timeout). The run stopped; its last checkpoint is intact.", e);
            }
            catch (HttpRequestException e)
            {
                throw new RolloutSyncException($"{where} failed: {e.Message}. The run stopped; its last checkpoint is intact.", e);
            }
        }
    }

    // SGLang answers {"success": false, ...} with 400, but a 200 that says so is a failure too.
    private static bool ReportsFailure(string answer)
    {
        try
        {
            using var json = JsonDocument.Parse(answer);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("success", out var ok) && ok.ValueKind == JsonValueKind.False;
        }
        catch (JsonException)
        {
            return false; // vLLM answers some calls with an empty or plain-text body
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private async Task<Rollout> CompleteAsync(Uri endpoint, IReadOnlyList<int> prompt, int index, RolloutSettings settings, CancellationToken cancellationToken)
    {
        string body = RemoteCompletion.Body(_options, prompt, index, settings);
        var uri = new Uri(endpoint, "v1/completions");
        for (int attempt = 1; ; attempt++)
        {
            HttpResponseMessage? response = null;
            try
            {
                using var request = Request(HttpMethod.Post, uri, body);
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                    return RemoteCompletion.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), index, settings, _tokenizer, uri);
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

    private HttpRequestMessage Request(HttpMethod method, Uri uri, string? body)
    {
        var request = new HttpRequestMessage(method, uri) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json") };
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
