using System.Diagnostics;
using System.Globalization;
using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Bench;

/// <summary>
/// One projection's GB/s of weights streamed: <see cref="SmallBatchLinear"/> against libtorch's linear, alone and
/// with a small libtorch op between calls (as in a model, where libtorch's OpenMP workers run in between). The two
/// run interleaved, pass by pass, and each keeps its best pass, so on a shared machine the ratio is the figure to read.
/// Usage: linear-kernel [threads (2)] [rows, comma-separated (1)] [out (4864)] [in (896)] [passes (7)] [dtypes (f32,bf16)].
/// </summary>
internal static class SmallBatchLinearBench
{
    public static Task<int> RunAsync(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
        int[] rowCounts = args.Length > 1 ? [.. args[1].Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture))] : [1];
        int outFeatures = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4864;
        int inFeatures = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 896;
        int passes = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 7;
        string dtypes = args.Length > 5 ? args[5] : "f32,bf16";
        torch.set_num_threads(threads);
        using var noGrad = torch.no_grad();
        Console.WriteLine($"{threads} threads, W {outFeatures} x {inFeatures}, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        // Enough matrices (at least 400 MB in fp32) that the weights do not sit in the 105 MB L3 between calls.
        int count = (int)Math.Max(4, Math.Ceiling(400e6 / (4.0 * outFeatures * inFeatures)));
        var weights = Enumerable.Range(0, count).Select(_ => torch.randn(outFeatures, inFeatures)).ToList();
        foreach (var type in dtypes.Split(',').Select(d => d == "bf16" ? ScalarType.BFloat16 : ScalarType.Float32))
        {
            var w = weights.Select(t => t.to(type)).ToList();
            double bytes = w.Sum(t => (double)t.numel() * t.element_size());
            foreach (int rows in rowCounts)
            {
                var input = torch.randn(1, rows, inFeatures).to(type);
                foreach (bool between in new[] { false, true })
                {
                    // Wall seconds and the process's CPU seconds of one pass over every matrix.
                    (double Wall, double Cpu) Pass(Func<Tensor, Tensor> f)
                    {
                        using var process = Process.GetCurrentProcess();
                        var cpu = process.TotalProcessorTime;
                        var sw = Stopwatch.StartNew();
                        foreach (var m in w)
                        {
                            using var y = f(m);
                            if (between) { using var z = input.mul(1.0001); }
                        }
                        double wall = sw.Elapsed.TotalSeconds;
                        process.Refresh();
                        return (wall, (process.TotalProcessorTime - cpu).TotalSeconds);
                    }
                    (double Wall, double Cpu) kernel = (double.MaxValue, double.MaxValue), libtorch = kernel;
                    for (int p = 0; p < passes; p++)
                    {
                        var k = Pass(m => SmallBatchLinear.Forward(input, m, null));
                        var l = Pass(m => nn.functional.linear(input, m));
                        kernel = (Math.Min(kernel.Wall, k.Wall), Math.Min(kernel.Cpu, k.Cpu));
                        libtorch = (Math.Min(libtorch.Wall, l.Wall), Math.Min(libtorch.Cpu, l.Cpu));
                    }
                    Console.WriteLine($"{type} rows {rows}{(between ? ", op between" : "")}: kernel {bytes / kernel.Wall / 1e9:F1} GB/s, "
                        + $"libtorch {bytes / libtorch.Wall / 1e9:F1} GB/s, kernel/libtorch {libtorch.Wall / kernel.Wall:F2}; "
                        + $"per CPU-second kernel {bytes / kernel.Cpu / 1e9:F1} GB, libtorch {bytes / libtorch.Cpu / 1e9:F1} GB, ratio {libtorch.Cpu / kernel.Cpu:F2}");
                }
                input.Dispose();
            }
            if (type != ScalarType.Float32) w.ForEach(t => t.Dispose());
        }
        return Task.FromResult(0);
    }
}
