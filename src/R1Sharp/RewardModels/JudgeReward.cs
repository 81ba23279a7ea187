using System.Collections.Concurrent;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;

namespace R1Sharp.RewardModels;

/// <summary>
/// A generative reward: an LLM judge behind any OpenAI-compatible endpoint (vLLM, a hosted API, <c>r1 serve</c>)
/// reads the question, the reference answer when the row has one, and a section of the completion
/// (<see cref="JudgePromptTemplate"/>), and its reply is read by <see cref="JudgeVerdictParser"/>. Requests run at most
/// <see cref="JudgeRewardOptions.MaxConcurrency"/> at a time; transient HTTP failures are retried with backoff by the
/// backend (<see cref="OpenAICompatibleBackend"/>); successful judgements are cached by (question, reference, response),
/// so a repeated completion costs no request. A failure (no reply after the retries, or no readable verdict) is
/// never a silent 0: it is counted (<c>&lt;name&gt;/failures</c>, with <c>/requests</c> and <c>/cache_hits</c>) and its
/// reward follows <see cref="JudgeFailurePolicy"/>.
/// </summary>
public sealed class JudgeReward : IBatchRewardFunction, IDisposable
{
    private static readonly string[] QuestionFields = ["prompt", "problem", "question"];
    private readonly ICompletionBackend _backend;
    private readonly JudgeRewardOptions _options;
    private readonly JudgePromptTemplate _template;
    private readonly ConcurrentDictionary<string, double> _cache = new(StringComparer.Ordinal);
    private long _failures;

    /// <summary>Creates the judge reward; it disposes <paramref name="backend"/> when that is disposable.</summary>
    /// <exception cref="ArgumentException">max_concurrency or max_tokens below 1, or a non-finite fallback.</exception>
    public JudgeReward(ICompletionBackend backend, JudgeRewardOptions options)
    {
        _backend = backend ?? throw new ArgumentNullException(nameof(backend));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.MaxConcurrency < 1) throw new ArgumentException($"max_concurrency must be at least 1 (got {options.MaxConcurrency})");
        if (options.MaxTokens < 1) throw new ArgumentException($"max_tokens must be at least 1 (got {options.MaxTokens})");
        if (!double.IsFinite(options.Fallback)) throw new ArgumentException($"fallback must be finite (got {options.Fallback})");
        _template = options.Template ?? JudgePromptTemplate.For(options.Mode);
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>Judgements that failed since the reward was created.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Judges each input, without applying <see cref="JudgeFailurePolicy"/>: a score in [0, 1], or null with the problem.</summary>
    public async Task<(double? Score, string? Problem)[]> JudgeAsync(IReadOnlyList<RewardInput> inputs, CancellationToken cancellationToken = default)
    {
        var (outcomes, _, _) = await JudgeWithCountsAsync(inputs, cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    /// <inheritdoc />
    public async Task<BatchRewardResult> ScoreBatchAsync(IReadOnlyList<RewardInput> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (outcomes, requests, hits) = await JudgeWithCountsAsync(inputs, cancellationToken).ConfigureAwait(false);
        var scores = outcomes.Select(o => o.Score).ToArray();
        int failures = FailedScores.Apply(scores, inputs, [.. outcomes.Select(o => o.Problem)], _options.OnFailure, _options.Fallback, "judge");
        var counters = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [$"{Name}/failures"] = failures,
            [$"{Name}/requests"] = requests,
            [$"{Name}/cache_hits"] = hits,
        };
        return new BatchRewardResult(scores, counters);
    }

    /// <inheritdoc />
    public async ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default) =>
        (await ScoreBatchAsync([input], cancellationToken).ConfigureAwait(false)).Scores[0];

    private async Task<((double? Score, string? Problem)[] Outcomes, int Requests, int Hits)> JudgeWithCountsAsync(IReadOnlyList<RewardInput> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var prompts = inputs.Select(Prompt).ToArray();
        var outcomes = new (double? Score, string? Problem)[inputs.Count];
        var pending = new List<string>();
        foreach (var prompt in prompts.Distinct(StringComparer.Ordinal))
            if (!_cache.ContainsKey(prompt)) pending.Add(prompt);
        // Every completion that needs no request of its own: cached, or a repeat of another in this batch.
        int hits = prompts.Length - pending.Count;
        using var gate = new SemaphoreSlim(_options.MaxConcurrency);
        var judged = new ConcurrentDictionary<string, (double? Score, string? Problem)>(StringComparer.Ordinal);
        await Task.WhenAll(pending.Select(async prompt =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                judged[prompt] = await AskAsync(prompt, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
        for (int i = 0; i < inputs.Count; i++)
        {
            outcomes[i] = _cache.TryGetValue(prompts[i], out double cached) ? (cached, null) : judged[prompts[i]];
            if (outcomes[i].Score is null) Interlocked.Increment(ref _failures);
        }
        return (outcomes, pending.Count, hits);
    }

    private async Task<(double? Score, string? Problem)> AskAsync(string prompt, CancellationToken cancellationToken)
    {
        var request = new CompletionRequest([new PromptMessage("user", prompt)], 1,
            new SamplingParameters { Temperature = _options.Temperature, TopP = 1, MaxTokens = _options.MaxTokens });
        var reply = (await _backend.CompleteAsync(request, cancellationToken).ConfigureAwait(false))[0];
        if (reply.Error is not null) return (null, reply.Error);
        var (score, problem) = JudgeVerdictParser.Parse(reply.Text, _options.Mode);
        if (score is { } s) _cache[prompt] = s;
        return (score, problem);
    }

    // The judge prompt holds the question, the reference and the response, so it is the cache key.
    private string Prompt(RewardInput input)
    {
        string? question = _options.QuestionField is { } field ? input.Field(field) : QuestionFields.Select(input.Field).FirstOrDefault(q => q is not null);
        return _template.Render(question ?? input.Prompt, input.Field(_options.ReferenceField), CompletionSections.Select(input.Completion, _options.Section));
    }

    /// <summary>Disposes the backend when it is disposable.</summary>
    public void Dispose() => (_backend as IDisposable)?.Dispose();
}
