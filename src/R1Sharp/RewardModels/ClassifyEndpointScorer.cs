using System.Text.Json;
using R1Sharp.Evaluation.Backends;

namespace R1Sharp.RewardModels;

/// <summary>
/// Scores texts with a reward model on a server, through vLLM's classification protocol (which SGLang follows, and
/// <c>r1 serve</c> speaks on a reward-model checkpoint): <c>POST /classify</c> with <c>{"model", "input": [texts],
/// "use_activation": false, "truncate_prompt_tokens": max_length}</c>, answered by <c>{"data": [{"index",
/// "probs": [score]}]}</c>. With the activation off, <c>probs[0]</c> is the head's raw output, the same number
/// in-process scoring gives. Requests are batched and run a few at a time; transient failures are retried
/// (<see cref="RetryingJsonPost"/>); a text whose request still fails gets a null score and the problem.
/// </summary>
public sealed class ClassifyEndpointScorer : IRewardModelScorer
{
    private readonly ClassifyEndpointOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>Creates the scorer.</summary>
    /// <param name="options">Server, model and limits.</param>
    /// <param name="httpClient">A client to use (its timeout is ignored), or null to create one.</param>
    public ClassifyEndpointScorer(ClassifyEndpointOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoint.Scheme is not ("http" or "https")) throw new ArgumentException($"url must be an http(s) URL, got '{options.Endpoint}'");
        if (string.IsNullOrWhiteSpace(options.Model)) throw new ArgumentException("option 'model' (the reward model's name on the server) is required");
        if (options.BatchSize < 1) throw new ArgumentException($"batch_size must be at least 1 (got {options.BatchSize})");
        if (options.MaxConcurrency < 1) throw new ArgumentException($"max_concurrency must be at least 1 (got {options.MaxConcurrency})");
        if (options.MaxLength < 1) throw new ArgumentException($"max_length must be at least 1 (got {options.MaxLength})");
        _options = options;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <inheritdoc />
    public string Description => $"{_options.Model} @ {_options.ClassifyUri}";

    /// <inheritdoc />
    public async Task<RewardModelScoring> ScoreAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var scores = new double?[texts.Count];
        var problems = new string?[texts.Count];
        var batches = Enumerable.Range(0, (texts.Count + _options.BatchSize - 1) / _options.BatchSize)
            .Select(b => (Start: b * _options.BatchSize, Count: Math.Min(_options.BatchSize, texts.Count - b * _options.BatchSize))).ToList();
        using var gate = new SemaphoreSlim(_options.MaxConcurrency);
        await Task.WhenAll(batches.Select(async batch =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var slice = texts.Skip(batch.Start).Take(batch.Count).ToArray();
                string body = JsonSerializer.Serialize(new { model = _options.Model, input = slice, use_activation = false, truncate_prompt_tokens = _options.MaxLength });
                var outcome = await RetryingJsonPost.SendAsync(_http, _options.ClassifyUri, body, _options.ApiKey, _options.RequestTimeout, _options.Retry,
                    reply => ParseReply(reply, slice.Length), cancellationToken).ConfigureAwait(false);
                for (int k = 0; k < batch.Count; k++)
                {
                    scores[batch.Start + k] = outcome.Problem is null ? outcome.Value![k] : null;
                    problems[batch.Start + k] = outcome.Problem;
                }
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
        return new RewardModelScoring(scores, problems, 0, batches.Count);
    }

    /// <summary>
    /// Reads a <c>/classify</c> reply for <paramref name="count"/> inputs: one entry per index 0..count−1, each with
    /// one finite score in <c>probs</c> (a one-label reward model). Returns the scores, or what is wrong.
    /// </summary>
    /// <exception cref="InvalidDataException">The reply has several classes: the served model is no reward model.</exception>
    public static (double[] Scores, string? Malformed) ParseReply(string json, int count)
    {
        var scores = new double[count];
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
                return (scores, $"malformed reply: no 'data' array; body starts '{RetryingJsonPost.Preview(json)}'");
            if (data.GetArrayLength() != count) return (scores, $"malformed reply: {data.GetArrayLength()} results for {count} inputs");
            var seen = new bool[count];
            int position = 0;
            foreach (var item in data.EnumerateArray())
            {
                int index = item.TryGetProperty("index", out var i) && i.TryGetInt32(out int n) ? n : position;
                position++;
                if (index < 0 || index >= count || seen[index]) return (scores, $"malformed reply: result index {index} is out of range or repeated");
                if (!item.TryGetProperty("probs", out var probs) || probs.ValueKind != JsonValueKind.Array || probs.GetArrayLength() == 0)
                    return (scores, $"malformed reply: result {index} has no 'probs'");
                if (probs.GetArrayLength() != 1) // not transient: retrying cannot help
                    throw new InvalidDataException($"the /classify reply has {probs.GetArrayLength()} classes for result {index}: the served model is not a one-label reward model (num_labels must be 1)");
                if (probs[0].ValueKind != JsonValueKind.Number || !double.IsFinite(probs[0].GetDouble()))
                    return (scores, $"malformed reply: result {index}'s score is not a finite number");
                scores[index] = probs[0].GetDouble();
                seen[index] = true;
            }
            return (scores, null);
        }
        catch (JsonException e)
        {
            return (scores, $"malformed reply: not JSON ({e.Message}); body starts '{RetryingJsonPost.Preview(json)}'");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }
}
