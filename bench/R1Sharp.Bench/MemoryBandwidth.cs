using System.Diagnostics;
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
}
