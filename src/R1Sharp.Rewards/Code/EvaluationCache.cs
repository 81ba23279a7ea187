using System.Security.Cryptography;
using System.Text;

namespace R1Sharp.Rewards.Code;

/// <summary>
/// A bounded least-recently-used map from (language, program, tests) to the evaluation's task, so identical
/// completions are run once, even when they arrive at the same time (the second awaits the first's task).
/// Failed or cancelled evaluations are dropped so they are retried.
/// </summary>
internal sealed class EvaluationCache
{
    private readonly int _capacity;
    private readonly Dictionary<string, LinkedListNode<(string Key, Task<ProgramEvaluation> Task)>> _map = new();
    private readonly LinkedList<(string Key, Task<ProgramEvaluation> Task)> _order = new();
    private readonly Lock _gate = new();

    public EvaluationCache(int capacity) => _capacity = capacity;

    /// <summary>Number of entries held.</summary>
    public int Count { get { lock (_gate) return _map.Count; } }

    /// <summary>A key for the content: SHA-256 over the language, program and canonical tests text.</summary>
    public static string KeyOf(CodeLanguage language, string program, string tests)
    {
        var bytes = Encoding.UTF8.GetBytes($"{language}\0{program.Length}\0{program}\0{tests}");
        return Convert.ToHexString(SHA256.HashData(bytes));
    }

    public Task<ProgramEvaluation> GetOrRun(string key, Func<Task<ProgramEvaluation>> run)
    {
        if (_capacity <= 0)
            return run();
        Task<ProgramEvaluation> task;
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                return node.Value.Task;
            }
            task = run();
            _map[key] = _order.AddFirst((key, task));
            while (_map.Count > _capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _map.Remove(last.Value.Key);
            }
        }
        _ = task.ContinueWith(t => Forget(key, t), CancellationToken.None,
            TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private void Forget(string key, Task<ProgramEvaluation> task)
    {
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var node) && node.Value.Task == task)
            {
                _order.Remove(node);
                _map.Remove(key);
            }
        }
    }
}
