using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Bench;

/// <summary>The machine's measured dense matmul throughput: the yardstick for training and prefill figures.</summary>
internal static class MatmulPeak
{
    public static Task<int> RunAsync(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0]) : 2;
        torch.set_num_threads(threads);
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
            Console.WriteLine($"matmul 2048x2048 {dtype}, {threads} threads: {Measure(2048, dtype):F1} GFLOP/s");
        return Task.FromResult(0);
    }

    /// <summary>Best-of-several GFLOP/s of an n x n x n matmul.</summary>
    public static double Measure(int n, ScalarType dtype, int repeats = 5)
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.randn(n, n).to(dtype);
        var b = torch.randn(n, n).to(dtype);
        torch.matmul(a, b); // warm-up
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            torch.matmul(a, b).Dispose();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return 2.0 * n * n * n / best / 1e9;
    }
}
