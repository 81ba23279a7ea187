using System.Runtime.InteropServices;

namespace R1Sharp.Distributed;

/// <summary>Collectives built from the backend's primitives.</summary>
public static class CollectiveExtensions
{
    /// <summary>Every rank's <paramref name="values"/>, indexed by rank, on every rank (lengths may differ). One broadcast per rank: meant for a few numbers per step, not for tensors.</summary>
    public static double[][] AllGather(this ICollectiveBackend backend, double[] values)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(values);
        if (backend.Size == 1) return [values];
        byte[] mine = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        var all = new double[backend.Size][];
        for (int root = 0; root < backend.Size; root++)
            all[root] = MemoryMarshal.Cast<byte, double>(backend.Broadcast(mine, root)).ToArray();
        return all;
    }

    /// <summary>The sum over ranks of one number.</summary>
    public static double Sum(this ICollectiveBackend backend, double value)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Span<double> one = [value];
        backend.AllReduceSum(one);
        return one[0];
    }

    /// <summary>True on every rank when <paramref name="flag"/> is true on at least one.</summary>
    public static bool Any(this ICollectiveBackend backend, bool flag) => backend.Sum(flag ? 1 : 0) > 0;
}
