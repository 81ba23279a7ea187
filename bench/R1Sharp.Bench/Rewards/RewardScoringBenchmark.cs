using System.Diagnostics;
using System.Text.Json;
using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;
using R1Sharp.Rewards.Format;
using R1Sharp.Rewards.Language;
using R1Sharp.Rewards.Length;
using R1Sharp.Rewards.Repetition;

namespace R1Sharp.Bench.Rewards;

/// <summary>
/// Scoring throughput of the rule-based rewards on 800 real model outputs (shared/data/outputs, wrapped in the
/// R1-Zero tags), single-threaded per reward and through the parallel composer, side by side with open-r1's
/// formulas run by CPython in the same run (open_r1_peer.py).
/// </summary>
internal static class RewardScoringBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int repeats = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5;
        List<string> texts = LoadTexts();
        RewardInput[] inputs = [.. texts.Select(t => new RewardInput("Assistant:", t, new Dictionary<string, JsonElement>(), Math.Max(1, t.Length / 4)))];
        Console.WriteLine($"{inputs.Length} completions (mean {texts.Average(t => t.Length):F0} chars), {repeats} repeats, {Environment.ProcessorCount} cores");

        var rewards = new (string Name, IRewardFunction Reward)[]
        {
            ("format", new FormatReward()),
            ("tag_count", new TagCountReward()),
            ("repetition", new RepetitionPenaltyReward()),
            ("cosine", new CosineScaledReward(new ConstantReward(1.0), new CosineScaledRewardOptions { Unit = LengthUnit.Characters })),
            ("language", new LanguageConsistencyReward()),
        };
        Dictionary<string, (double PerSecond, double Mean)> peer = RunPeer(texts, repeats);

        Console.WriteLine($"{"reward",-12} {"R1Sharp/s",12} {"mean",8} {"open-r1 (py)/s",15} {"mean",8} {"ratio",7}");
        foreach (var (name, reward) in rewards)
        {
            (double perSecond, double mean) = await TimeAsync(reward, inputs, repeats);
            string peerText = peer.TryGetValue(name, out var p) ? $"{p.PerSecond,15:F0} {p.Mean,8:F4} {perSecond / p.PerSecond,6:F1}x" : $"{"-",15} {"-",8} {"-",7}";
            Console.WriteLine($"{name,-12} {perSecond,12:F0} {mean,8:F4} {peerText}");
        }

        await using var composer = new RewardComposer(rewards.Select(r => new WeightedReward(r.Reward, 1.0)));
        for (var warm = Stopwatch.StartNew(); warm.Elapsed < TimeSpan.FromSeconds(1);) await composer.ScoreAsync(inputs);
        var watch = Stopwatch.StartNew();
        for (int r = 0; r < repeats; r++) await composer.ScoreAsync(inputs);
        double composed = repeats * inputs.Length / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"composer, all {rewards.Length} rewards, {Environment.ProcessorCount} workers: {composed:F0} completions/s");
        return 0;
    }

    private static async Task<(double PerSecond, double Mean)> TimeAsync(IRewardFunction reward, RewardInput[] inputs, int repeats)
    {
        // Warm up for a while so that tiered JIT has promoted the hot code before timing.
        for (var warm = Stopwatch.StartNew(); warm.Elapsed < TimeSpan.FromSeconds(1);)
            foreach (var input in inputs) await reward.ScoreAsync(input);
        double sum = 0;
        int counted = 0;
        var watch = Stopwatch.StartNew();
        for (int r = 0; r < repeats; r++)
        {
            foreach (var input in inputs)
            {
                if (await reward.ScoreAsync(input) is { } s)
                {
                    sum += s;
                    counted++;
                }
            }
        }
        return (repeats * inputs.Length / watch.Elapsed.TotalSeconds, counted == 0 ? double.NaN : sum / counted);
    }

    private static Dictionary<string, (double, double)> RunPeer(List<string> texts, int repeats)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "Rewards", "open_r1_peer.py");
        string data = Path.Combine(Path.GetTempPath(), $"r1sharp-reward-bench-{Environment.ProcessId}.json");
        File.WriteAllText(data, JsonSerializer.Serialize(texts));
        try
        {
            // /usr/bin/python3: the PATH one may be a slow pyenv shim (DESIGN.md).
            string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { script, data, repeats.ToString(System.Globalization.CultureInfo.InvariantCulture) }) start.ArgumentList.Add(a);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
            string output = process.StandardOutput.ReadToEnd();
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"peer script failed: {errors}");
            var result = new Dictionary<string, (double, double)>();
            foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using var doc = JsonDocument.Parse(line);
                result[doc.RootElement.GetProperty("name").GetString()!] =
                    (doc.RootElement.GetProperty("per_second").GetDouble(), doc.RootElement.GetProperty("mean").GetDouble());
            }
            return result;
        }
        finally
        {
            File.Delete(data);
        }
    }

    // Each output wrapped as open-r1's format regex wants it, so that both sides take the full path of every check.
    private static List<string> LoadTexts()
    {
        var texts = new List<string>();
        foreach (string line in File.ReadLines(SharedDataPath("outputs", "qwen25math_math_cot_100_scored.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            foreach (var output in doc.RootElement.GetProperty("code").EnumerateArray())
                texts.Add($"<think>\n{output.GetString()}\n</think>\n<answer>\n{doc.RootElement.GetProperty("answer")}\n</answer>");
        }
        return texts;
    }

    private static string SharedDataPath(params string[] parts)
    {
        string? env = Environment.GetEnvironmentVariable("R1SHARP_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return Path.Combine([env, .. parts]);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return Path.Combine([candidate, .. parts]);
        }
        throw new DirectoryNotFoundException("shared/data not found (set R1SHARP_SHARED_DATA)");
    }

    private sealed class ConstantReward(double score) : IRewardFunction
    {
        public string Name => "constant";

        public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default) => ValueTask.FromResult<double?>(score);
    }
}
