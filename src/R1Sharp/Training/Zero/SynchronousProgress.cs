namespace R1Sharp.Training.Zero;

/// <summary>An <see cref="IProgress{T}"/> that calls its handler at once on the reporting thread (Progress&lt;T&gt; posts asynchronously, so reports could arrive out of order or after the work ended).</summary>
/// <typeparam name="T">Report type.</typeparam>
/// <param name="handler">Called for each report.</param>
public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => handler(value);
}
