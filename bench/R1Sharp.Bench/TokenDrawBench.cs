using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Bench;

/// <summary>
/// The sampler's random draw over Qwen2.5's 151,936-token vocabulary: <see cref="GumbelMaxDraw"/> against libtorch's
/// <c>multinomial</c> (one sample per row), on the same probabilities, in turn, round by round, with the softmax that
/// produces them as a yardstick. Rows 1 and 16 (a decode step of one sequence and of a GRPO group); a peaked
/// distribution (logits ~ N(0, 3²), like a trained model's) and a nearly flat one (N(0, 0.1²), like a random model's).
/// Usage: token-draw [threads (1)] [rounds (15)] [--json FILE].
/// </summary>
internal static class TokenDrawBench
{
    private const int Vocabulary = 151_936;

    public static async Task<int> RunAsync(string[] args)
    {
        var (threads, rounds, json) = BenchArguments.ThreadsRoundsJson(args, defaultRounds: 15);
        torch.set_num_threads(threads);
        string load = File.ReadAllText("/proc/loadavg").Trim();
        Console.WriteLine($"token draw over {Vocabulary:N0} ids, {threads} thread(s), {rounds} rounds; load average {load}");
        WarmUp();
        var results = new JsonArray();
        foreach (var (shape, scale) in new[] { ("peaked", 3.0), ("flat", 0.1) })
        {
            foreach (int rows in new[] { 1, 16 })
            {
                using var scope = torch.NewDisposeScope();
                var logits = torch.randn([rows, Vocabulary], generator: new Generator(1)) * scale;
                var probabilities = logits.softmax(-1);
                using var ours = new Generator(2);
                using var theirs = new Generator(2);
                var oursMs = new List<double>();
                var libtorchMs = new List<double>();
                var softmaxMs = new List<double>();
                for (int round = 0; round < rounds + 2; round++)
                {
                    double a = Time(() => torch.multinomial(probabilities, 1, replacement: false, generator: theirs));
                    double b = Time(() => GumbelMaxDraw.Draw(probabilities, ours));
                    double c = Time(() => logits.softmax(-1));
                    if (round < 2) continue; // each case's first rounds: caches
                    libtorchMs.Add(a);
                    oursMs.Add(b);
                    softmaxMs.Add(c);
                }
                double o = Median.Of(oursMs), l = Median.Of(libtorchMs), s = Median.Of(softmaxMs);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{shape,-6} {rows,2} rows: multinomial {l:F3} ms, Gumbel-max {o:F3} ms ({l / o:F1}x), softmax {s:F3} ms; Gumbel-max per row {o / rows:F3} ms"));
                results.Add(new JsonObject
                {
                    ["distribution"] = shape,
                    ["rows"] = rows,
                    ["multinomial_ms"] = Math.Round(l, 3),
                    ["gumbel_max_ms"] = Math.Round(o, 3),
                    ["softmax_ms"] = Math.Round(s, 3),
                    ["speedup"] = Math.Round(l / o, 2),
                });
            }
        }
        if (json is not null)
            await File.WriteAllTextAsync(json, new JsonObject { ["threads"] = threads, ["load_average"] = load, ["vocabulary"] = Vocabulary, ["cases"] = results }
                .ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    /// <summary>Half a second of draws first, so the JIT has compiled the draw's loop at its final tier before any case is timed.</summary>
    private static void WarmUp()
    {
        using var scope = torch.NewDisposeScope();
        var probabilities = (torch.randn([4, Vocabulary], generator: new Generator(3)) * 3.0).softmax(-1);
        using var generator = new Generator(4);
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 500) GumbelMaxDraw.Draw(probabilities, generator).Dispose();
    }

    private static double Time(Func<Tensor> draw)
    {
        var clock = Stopwatch.StartNew();
        draw().Dispose();
        return clock.Elapsed.TotalMilliseconds;
    }

}
