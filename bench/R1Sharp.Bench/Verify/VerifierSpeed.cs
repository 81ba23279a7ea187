using System.Diagnostics;
using System.Text.Json;
using R1Sharp.Verify;

namespace R1Sharp.Bench.Verify;

/// <summary>
/// Single-thread time of MathVerifier.Verify on the MATH-500 pairs (gold answer vs the gold's own reference
/// solution, whose last box is extracted), the workload Math-Verify's ~4 ms/pair figure is quoted for.
/// Usage: verify [passes=5]
/// </summary>
internal static class VerifierSpeed
{
    /// <summary>Math-Verify's time per MATH-500 pair on this machine (the figure the issue quotes), in µs.</summary>
    private const double MathVerifyMicroseconds = 4000;

    public static Task<int> RunAsync(string[] args)
    {
        int passes = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5;
        var pairs = File.ReadLines(SharedDataLocator.Path("benchmarks", "math500.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(row => (Gold: row.GetProperty("answer").GetString()!, Solution: row.GetProperty("solution").GetString()!))
            .ToArray();

        int correct = pairs.Count(p => MathVerifier.Verify(p.Gold, p.Solution).Correct); // also warms up the JIT
        var perPair = new double[pairs.Length];
        var passMeans = new List<double>();
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        for (int pass = 0; pass < passes; pass++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < pairs.Length; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                MathVerifier.Verify(pairs[i].Gold, pairs[i].Solution);
                double us = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                perPair[i] = pass == 0 ? us : Math.Min(perPair[i], us);
            }
            passMeans.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / pairs.Length);
        }
        double cpuPerPair = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalMicroseconds / (passes * (double)pairs.Length);
        var sorted = perPair.OrderBy(x => x).ToArray();
        double best = passMeans.Min();
        double median = passMeans.OrderBy(x => x).ElementAt(passMeans.Count / 2);
        Console.WriteLine($"MATH-500 gold vs reference solution: {pairs.Length} pairs, {correct} judged equal");
        Console.WriteLine($"mean per pair: best pass {best:F1} µs, median pass {median:F1} µs ({passes} passes, 1 thread)");
        Console.WriteLine($"process CPU time per pair (all passes, includes GC/JIT threads): {cpuPerPair:F1} µs -> {MathVerifyMicroseconds / cpuPerPair:F0}x faster than Math-Verify");
        // On a shared machine whole passes absorb other jobs' time slices; the per-pair minimum is the steadier figure.
        Console.WriteLine($"mean of per-pair minima: {perPair.Average():F1} µs -> {MathVerifyMicroseconds / perPair.Average():F0}x faster than Math-Verify");
        Console.WriteLine($"per-pair (best of passes): p50 {sorted[sorted.Length / 2]:F1} µs, p99 {sorted[(int)(sorted.Length * 0.99)]:F1} µs, max {sorted[^1]:F1} µs");
        Console.WriteLine($"vs Math-Verify ~{MathVerifyMicroseconds / 1000:F0} ms/pair: {MathVerifyMicroseconds / median:F0}x faster (median pass)");
        return Task.FromResult(0);
    }
}
