using static TorchSharp.torch;

namespace R1Sharp.Distributed;

/// <summary>One rank, no communication: every collective is the identity. The backend of a run not started by a launcher.</summary>
public sealed class SingleProcessBackend : ICollectiveBackend
{
    /// <summary>The shared instance (it holds no state).</summary>
    public static SingleProcessBackend Instance { get; } = new();

    /// <inheritdoc />
    public int Rank => 0;

    /// <inheritdoc />
    public int Size => 1;

    /// <inheritdoc />
    public string Name => "single";

    /// <inheritdoc />
    public void AllReduceSum(Span<float> values) { }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> values) { }

    /// <inheritdoc />
    public void AllReduceSum(Tensor tensor) => ArgumentNullException.ThrowIfNull(tensor);

    /// <inheritdoc />
    public byte[] Broadcast(byte[] data, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNotEqual(root, 0);
        return data;
    }

    /// <inheritdoc />
    public void Barrier() { }

    /// <inheritdoc />
    public void Abort(int exitCode) => Environment.Exit(exitCode);

    /// <inheritdoc />
    public void Dispose() { }
}
