using System.Threading.Channels;
using R1Sharp.Models;

namespace R1Sharp.Serving.Engine;

/// <summary>
/// Serves many concurrent requests with one model by continuous batching: a single loop owns the model and the
/// running batch; between decode steps it admits queued sequences (up to the batch's free rows), so a new request
/// starts within one step instead of waiting for the current batch to finish. The queue is bounded: when it is full,
/// <see cref="Submit"/> throws <see cref="EngineOverloadedException"/> (the server answers 429).
/// </summary>
public sealed class ContinuousBatchingEngine : IAsyncDisposable
{
    private readonly Channel<GenerationJob> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly int _maxRows;
    private readonly int _capacity;
    private readonly object _reloadLock = new();
    private (Func<CausalLanguageModel> Load, TaskCompletionSource Done)? _reload;
    private CausalLanguageModel _model;
    private int _queued;

    /// <summary>Starts the engine loop.</summary>
    /// <param name="model">The model (the engine owns it from now on: a reload disposes it).</param>
    /// <param name="maxBatch">Most sequences decoded together.</param>
    /// <param name="maxQueue">Most sequences waiting; beyond that, <see cref="Submit"/> refuses.</param>
    /// <param name="contextLength">Positions the shared KV cache holds; a prompt plus its max new tokens must fit.</param>
    public ContinuousBatchingEngine(CausalLanguageModel model, int maxBatch, int maxQueue, int contextLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxQueue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contextLength);
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _maxRows = maxBatch;
        _capacity = Math.Min(contextLength, model.Config.MaxPositionEmbeddings);
        _queue = Channel.CreateBounded<GenerationJob>(new BoundedChannelOptions(maxQueue) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _loop = Task.Factory.StartNew(RunLoop, TaskCreationOptions.LongRunning);
    }

    /// <summary>Positions a prompt plus its new tokens may take.</summary>
    public int ContextLength => _capacity;

    /// <summary>The model currently serving (changes on reload).</summary>
    public CausalLanguageModel Model => _model;

    /// <summary>Sequences waiting to join the batch.</summary>
    public int QueueLength => Volatile.Read(ref _queued);

    /// <summary>Queues a job; its tokens arrive on <see cref="GenerationJob.Events"/>.</summary>
    /// <exception cref="EngineOverloadedException">The queue is full.</exception>
    /// <exception cref="ArgumentException">The prompt plus max new tokens exceed the context length.</exception>
    public void Submit(GenerationJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.PromptIds.Count == 0) throw new ArgumentException("the prompt is empty");
        if (job.PromptIds.Count + job.Options.MaxNewTokens > _capacity)
            throw new ArgumentException($"prompt of {job.PromptIds.Count} tokens plus max_tokens {job.Options.MaxNewTokens} exceeds the context length {_capacity}");
        job.Options.Validate();
        if (_stop.IsCancellationRequested) throw new EngineOverloadedException("the server is shutting down");
        if (!_queue.Writer.TryWrite(job)) throw new EngineOverloadedException("the request queue is full; retry later");
        Interlocked.Increment(ref _queued);
    }

    /// <summary>
    /// Swaps in new weights: admission pauses, the sequences in flight finish on the old weights, then
    /// <paramref name="load"/> runs on the engine's thread and the new model serves every later request.
    /// </summary>
    public Task ReloadAsync(Func<CausalLanguageModel> load, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(load);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_reloadLock)
        {
            if (_reload is not null) throw new InvalidOperationException("a reload is already in progress");
            _reload = (load, done);
        }
        _queue.Writer.TryWrite(NoOpJob.Instance); // wake the loop if it is idle
        return done.Task.WaitAsync(cancellationToken);
    }

    private void RunLoop()
    {
        RunningBatch batch = new(_model, _maxRows, _capacity);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                bool reloadPending;
                lock (_reloadLock) reloadPending = _reload is not null;
                if (reloadPending && batch.Count == 0)
                {
                    batch = Reload(batch);
                    continue;
                }
                if (batch.Count == 0 && !reloadPending)
                {
                    // Idle: block until something arrives (or shutdown).
                    try { _queue.Reader.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult(); }
                    catch (OperationCanceledException) { break; }
                }
                if (!reloadPending) Admit(batch);
                batch.Step();
            }
        }
        finally
        {
            batch.Dispose();
            while (_queue.Reader.TryRead(out var job)) job.Writer.TryComplete();
        }
    }

    private void Admit(RunningBatch batch)
    {
        var admitted = new List<GenerationJob>();
        while (admitted.Count < batch.FreeRows && _queue.Reader.TryRead(out var job))
        {
            if (ReferenceEquals(job, NoOpJob.Instance)) continue;
            Interlocked.Decrement(ref _queued);
            if (job.CancellationToken.IsCancellationRequested) { job.Writer.TryComplete(); continue; }
            admitted.Add(job);
        }
        if (admitted.Count == 0) return;
        try
        {
            batch.Admit(admitted);
        }
        catch (Exception e)
        {
            foreach (var job in admitted) job.Writer.TryComplete(e);
        }
    }

    private RunningBatch Reload(RunningBatch batch)
    {
        (Func<CausalLanguageModel> Load, TaskCompletionSource Done) request;
        lock (_reloadLock) request = _reload!.Value;
        try
        {
            var model = request.Load();
            batch.Dispose();
            var old = _model;
            _model = model;
            old.Dispose();
            request.Done.TrySetResult();
        }
        catch (Exception e)
        {
            request.Done.TrySetException(e);
        }
        finally
        {
            lock (_reloadLock) _reload = null;
        }
        return new RunningBatch(_model, _maxRows, _capacity);
    }

    /// <summary>Stops admitting, ends the sequences in flight and stops the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>A wake-up marker for the idle loop; never generated.</summary>
    private static class NoOpJob
    {
        public static readonly GenerationJob Instance = new([0], new Generation.SamplingOptions { MaxNewTokens = 1 }, CancellationToken.None);
    }
}
