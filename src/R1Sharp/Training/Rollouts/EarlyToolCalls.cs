using System.Diagnostics;
using R1Sharp.Tools;

namespace R1Sharp.Training.Rollouts;

/// <summary>
/// The tool calls of one round, started the moment a row writes them (from the generator's stop check) so that they
/// run while the round's other rows are still decoding, instead of after the round. The batch itself does not change:
/// the row still rejoins at the next round, so rollouts stay a function of the seed and the sampled tokens.
/// A call is keyed by the tokens its row wrote this round; rows that wrote the same tokens claim the started calls one
/// each, in any order (the same code gives the same output). Calls nobody claims (the row's call was cut by the token
/// budget) are cancelled when the round ends.
/// </summary>
internal sealed class EarlyToolCalls(ToolRunner runner, CancellationToken cancellationToken) : IAsyncDisposable
{
    private readonly Dictionary<string, Queue<(Task<ToolOutcome> Run, CancellationTokenSource Stop)>> _started = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Starts <paramref name="call"/>, written by a row whose round tokens are <paramref name="tokens"/>.</summary>
    public void Start(IReadOnlyList<int> tokens, ParsedToolCall call)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Task.Run: a synchronous .NET tool must not hold up the decode loop that called us.
        var run = Task.Run(() => runner.RunAsync(call, stop.Token), CancellationToken.None);
        lock (_lock)
        {
            string key = Key(tokens);
            if (!_started.TryGetValue(key, out var queue)) _started[key] = queue = new();
            queue.Enqueue((run, stop));
        }
    }

    /// <summary>
    /// The outcome of the call a row wrote with <paramref name="tokens"/>: the one started during the round, or one started
    /// now when the generator never reported it. Also returns how long the caller waited for it from now.
    /// </summary>
    public async Task<(ToolOutcome Outcome, double WaitedSeconds)> ClaimAsync(IReadOnlyList<int> tokens, ParsedToolCall call)
    {
        (Task<ToolOutcome> Run, CancellationTokenSource Stop)? started = null;
        lock (_lock)
        {
            if (_started.TryGetValue(Key(tokens), out var queue) && queue.Count > 0) started = queue.Dequeue();
        }
        var clock = Stopwatch.StartNew();
        if (started is not { } s) return (await runner.RunAsync(call, cancellationToken).ConfigureAwait(false), clock.Elapsed.TotalSeconds);
        using (s.Stop) return (await s.Run.ConfigureAwait(false), clock.Elapsed.TotalSeconds);
    }

    /// <summary>Cancels the calls nobody claimed and waits for them to stop (a sandboxed process must not outlive its round).</summary>
    public async ValueTask DisposeAsync()
    {
        List<(Task<ToolOutcome> Run, CancellationTokenSource Stop)> left;
        lock (_lock)
        {
            left = [.. _started.Values.SelectMany(q => q)];
            _started.Clear();
        }
        foreach (var (run, stop) in left)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try { await run.ConfigureAwait(false); }
            catch (OperationCanceledException) { } // cancelled as asked: nothing to report for a call nobody reads
            finally { stop.Dispose(); }
        }
    }

    private static string Key(IReadOnlyList<int> tokens) => string.Join(',', tokens);
}
