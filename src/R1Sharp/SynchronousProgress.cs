namespace R1Sharp;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler at once on the reporting thread, one report at a time.
/// <see cref="Progress{T}"/> posts to the thread pool instead, so its reports could arrive out of order or after the
/// work (and the command's summary line) ended.
/// </summary>
/// <typeparam name="T">Report type.</typeparam>
/// <param name="handler">Called for each report; never concurrently with itself (parallel workers may report).</param>
public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public void Report(T value)
    {
        lock (_lock) handler(value);
    }
}
