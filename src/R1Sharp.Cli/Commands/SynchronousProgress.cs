namespace R1Sharp.Cli.Commands;

/// <summary>IProgress that runs its callback on the reporting thread (Progress&lt;T&gt; posts to the thread pool, which
/// reorders lines and may run after the command has printed its summary).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _lock = new();

    public void Report(T value)
    {
        lock (_lock) report(value);
    }
}
