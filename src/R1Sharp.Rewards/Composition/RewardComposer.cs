namespace R1Sharp.Rewards.Composition;

/// <summary>
/// Scores batches of completions with several weighted reward functions, in parallel, keeping each function's
/// scores (null for "not applicable") and the weighted total per completion. Thread-safe: one composer may score
/// several batches at once.
/// </summary>
/// <remarks>
/// Every (completion, function) pair is one work item, run with at most
/// <see cref="RewardComposerOptions.MaxConcurrency"/> at a time; asynchronous rewards (a sandboxed code run) free
/// their slot's thread while they wait. A function that throws, or returns NaN or an infinity, fails the batch
/// with a <see cref="RewardEvaluationException"/> naming it and the completion: a silently dropped reward would
/// bias the advantages without anyone noticing.
/// Disposing the composer disposes the functions that are <see cref="IDisposable"/> or
/// <see cref="IAsyncDisposable"/> (a code reward's sandbox): a composer made by
/// <see cref="RewardRegistry.CreateComposer"/> owns its functions. Do not dispose a composer whose functions are
/// shared with other code.
/// </remarks>
public sealed class RewardComposer : IAsyncDisposable
{
    private readonly WeightedReward[] _rewards;
    private readonly string[] _labels;
    private readonly double[] _weights;
    private readonly int _maxConcurrency;

    /// <summary>Creates a composer.</summary>
    /// <param name="rewards">The functions and weights, at least one.</param>
    /// <param name="options">Options; null for a concurrency of the processor count.</param>
    /// <exception cref="ArgumentException">No reward, a null function, two functions with the same name, a non-finite weight, or MaxConcurrency below 1.</exception>
    public RewardComposer(IEnumerable<WeightedReward> rewards, RewardComposerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        _rewards = [.. rewards];
        if (_rewards.Length == 0) throw new ArgumentException("At least one reward function is needed.", nameof(rewards));
        for (int i = 0; i < _rewards.Length; i++)
        {
            if (_rewards[i]?.Function is null)
                throw new ArgumentException($"Reward {i} has no function.", nameof(rewards));
            if (!double.IsFinite(_rewards[i].Weight))
                throw new ArgumentException($"Reward {i} ('{_rewards[i].Function.Name}') has weight {_rewards[i].Weight}; it must be finite.", nameof(rewards));
        }
        _maxConcurrency = (options ?? new RewardComposerOptions()).MaxConcurrency;
        if (_maxConcurrency < 1)
            throw new ArgumentException($"MaxConcurrency = {_maxConcurrency}; it must be at least 1.", nameof(options));
        _labels = Names(_rewards);
        _weights = [.. _rewards.Select(r => r.Weight)];
    }

    /// <summary>The functions and weights, in order.</summary>
    public IReadOnlyList<WeightedReward> Rewards => _rewards;

    /// <summary>The functions' names, in order (the labels of <see cref="RewardScores.Names"/>).</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>Scores every completion of the batch with every function.</summary>
    /// <param name="inputs">The completions (with their prompts and rows).</param>
    /// <param name="cancellationToken">Stops scoring; the token is passed to each function.</param>
    /// <exception cref="RewardEvaluationException">A function threw or returned a non-finite score.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<RewardScores> ScoreAsync(IReadOnlyList<RewardInput> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Count; i++)
            if (inputs[i] is null) throw new ArgumentException($"Input {i} is null.", nameof(inputs));

        int functions = _rewards.Length, count = inputs.Count;
        var byFunction = new double?[functions][];
        for (int f = 0; f < functions; f++) byFunction[f] = new double?[count];

        // Batch functions (a reward model, a judge) see the whole batch once, beside the per-completion work items.
        var counters = new Dictionary<string, double>(StringComparer.Ordinal);
        var batchTasks = Enumerable.Range(0, functions).Where(f => _rewards[f].Function is IBatchRewardFunction)
            .Select(f => ScoreBatchAsync(f, inputs, byFunction[f], cancellationToken)).ToList();
        var perItem = Enumerable.Range(0, functions).Where(f => _rewards[f].Function is not IBatchRewardFunction).ToList();

        // Each work item writes its own cell, so the arrays need no lock.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _maxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, perItem.Count * count), parallel, async (item, ct) =>
        {
            int f = perItem[item / count], i = item % count;
            byFunction[f][i] = await ScoreOneAsync(f, i, inputs[i], ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        foreach (var batchCounters in await Task.WhenAll(batchTasks).ConfigureAwait(false))
            foreach (var (name, value) in batchCounters) counters[name] = counters.GetValueOrDefault(name) + value;

        var totals = new double[count];
        for (int i = 0; i < count; i++)
        {
            double total = 0;
            for (int f = 0; f < functions; f++) total += _weights[f] * (byFunction[f][i] ?? 0.0);
            totals[i] = total;
        }
        return new RewardScores(_labels, _weights, byFunction, totals, counters);
    }

    private async Task<IReadOnlyDictionary<string, double>> ScoreBatchAsync(int f, IReadOnlyList<RewardInput> inputs, double?[] into, CancellationToken ct)
    {
        BatchRewardResult result;
        try
        {
            result = await ((IBatchRewardFunction)_rewards[f].Function).ScoreBatchAsync(inputs, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not RewardEvaluationException)
        {
            throw new RewardEvaluationException(_labels[f], 0, $"scoring the batch failed: {e.Message}", e);
        }
        if (result.Scores.Count != inputs.Count)
            throw new RewardEvaluationException(_labels[f], 0, $"returned {result.Scores.Count} scores for a batch of {inputs.Count}.");
        for (int i = 0; i < into.Length; i++)
        {
            if (result.Scores[i] is { } s && !double.IsFinite(s))
                throw new RewardEvaluationException(_labels[f], i, $"returned {s}; scores must be finite (or null when not applicable).");
            into[i] = result.Scores[i];
        }
        return result.Counters ?? new Dictionary<string, double>();
    }

    private async ValueTask<double?> ScoreOneAsync(int f, int i, RewardInput input, CancellationToken ct)
    {
        double? score;
        try
        {
            score = await _rewards[f].Function.ScoreAsync(input, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new RewardEvaluationException(_labels[f], i, e.Message, e);
        }
        if (score is { } s && !double.IsFinite(s))
            throw new RewardEvaluationException(_labels[f], i, $"returned {s}; scores must be finite (or null when not applicable).");
        return score;
    }

    // Weights, metrics and score columns are all keyed by name, so a second function of the same name would be
    // ambiguous: it is refused rather than renamed.
    private static string[] Names(WeightedReward[] rewards)
    {
        var names = new string[rewards.Length];
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < rewards.Length; i++)
        {
            names[i] = rewards[i].Function.Name;
            if (!used.Add(names[i]))
                throw new ArgumentException($"Reward '{names[i]}' is given twice; each reward name may appear once.", nameof(rewards));
        }
        return names;
    }

    /// <summary>Disposes every function that is disposable, once each.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (IRewardFunction function in _rewards.Select(r => r.Function).Distinct())
        {
            if (function is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            else if (function is IDisposable disposable) disposable.Dispose();
        }
    }
}
