using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Bench;

/// <summary>Measured memory bandwidth: the bound for batch-1 decoding, which reads every weight once per token.</summary>
internal static class MemoryBandwidth
{
    /// <summary>Best-of-several GB/s of copying a large float tensor (bytes read + bytes written, per second).</summary>
    public static double MeasureGBps(long megabytes = 512, int repeats = 5)
    {
        using var scope = torch.NewDisposeScope();
        long elements = megabytes * (1 << 20) / 4;
        var source = torch.ones([elements], ScalarType.Float32);
        var target = torch.empty([elements], ScalarType.Float32);
        target.copy_(source); // warm-up: touch the pages
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            target.copy_(source);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return 2.0 * elements * 4 / best / 1e9;
    }

    /// <summary>
    /// Best-of-several GB/s of summing a large float array on <paramref name="threads"/> threads with AVX-512 loads:
    /// a read-only stream, which is what a matrix-vector product does with its weights (a copy also writes). Four
    /// independent accumulators keep the adds' latency from limiting the loads, so the figure is the memory's.
    /// </summary>
    public static unsafe double MeasureReadGBps(int threads, long megabytes = 512, int repeats = 5)
    {
        long elements = megabytes * (1 << 20) / 4;
        var data = GC.AllocateUninitializedArray<float>((int)elements, pinned: true);
        Array.Fill(data, 1f);
        double best = double.MaxValue;
        float total = 0;
        long band = elements / threads / 64 * 64; // each thread's share, whole 64-float blocks
        fixed (float* start = data)
        {
            var pointer = (IntPtr)start;
            for (int r = 0; r < repeats; r++)
            {
                var partial = new float[threads];
                var sw = Stopwatch.StartNew();
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => partial[t] = Sum((float*)pointer + t * band, band));
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
                total += partial.Sum();
            }
        }
        GC.KeepAlive(total);
        return (double)band * threads * 4 / best / 1e9;
    }

    // The read itself, compiled fully optimized on its first call (docs/ARCHITECTURE.md, "JIT tiers"): the bound must not
    // depend on how far the JIT has got.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe float Sum(float* p, long count)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (long i = 0; i < count; i += 64)
        {
            a0 += Vector512.Load(p + i);
            a1 += Vector512.Load(p + i + 16);
            a2 += Vector512.Load(p + i + 32);
            a3 += Vector512.Load(p + i + 48);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3);
    }
}
