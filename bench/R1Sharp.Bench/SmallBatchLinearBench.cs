using System.Diagnostics;
using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Bench;

/// <summary>
/// One projection's GB/s of weights streamed: <see cref="SmallBatchLinear"/> against libtorch's linear, alone and
/// with a small libtorch op between calls (as in a model, where libtorch's OpenMP workers run in between).
/// Usage: linear-kernel [threads (2)] [rows (1)] [out (4864)] [in (896)].
/// </summary>
internal static class SmallBatchLinearBench
{
    public static Task<int> RunAsync(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0]) : 2;
        int rows = args.Length > 1 ? int.Parse(args[1]) : 1;
        int outFeatures = args.Length > 2 ? int.Parse(args[2]) : 4864;
        int inFeatures = args.Length > 3 ? int.Parse(args[3]) : 896;
        torch.set_num_threads(threads);
        using var noGrad = torch.no_grad();
        // 24 matrices, so the weights (400 MB in fp32) do not sit in cache between calls.
        var weights = Enumerable.Range(0, 24).Select(_ => torch.randn(outFeatures, inFeatures)).ToList();
        var x = torch.randn(1, rows, inFeatures);
        foreach (var type in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            var w = weights.Select(t => t.to(type)).ToList();
            var input = x.to(type);
            double bytes = w.Sum(t => (double)t.numel() * t.element_size());
            double Run(Func<Tensor, Tensor> f, bool between)
            {
                double best = double.MaxValue;
                for (int r = 0; r < 5; r++)
                {
                    var sw = Stopwatch.StartNew();
                    foreach (var m in w)
                    {
                        using var y = f(m);
                        if (between) { using var z = input.mul(1.0001); }
                    }
                    best = Math.Min(best, sw.Elapsed.TotalSeconds);
                }
                return bytes / best / 1e9;
            }
            foreach (bool between in new[] { false, true })
            {
                double kernel = Run(m => SmallBatchLinear.Forward(input, m, null), between);
                double libtorch = Run(m => nn.functional.linear(input, m), between);
                Console.WriteLine($"{type} rows {rows}{(between ? ", a libtorch op between calls" : "")}: kernel {kernel:F1} GB/s, libtorch {libtorch:F1} GB/s");
            }
        }
        return Task.FromResult(0);
    }
}
