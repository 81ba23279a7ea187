using System.Diagnostics;
using System.Text.Json;
using R1Sharp.Text.Tokenization;

namespace R1Sharp.Bench;

/// <summary>
/// Encode throughput of our Hugging Face tokenizer against Hugging Face's Rust tokenizers (Tokenizers.DotNet) on the
/// same tokenizer.json and the same text (MATH-500 problems and solutions), single-threaded, ids checked equal.
/// </summary>
internal static class TokenizerThroughput
{
    public static Task<int> RunAsync(string[] args)
    {
        string data = FindSharedData();
        string model = args.Length > 0 ? args[0] : Path.Combine(data, "hf", "Qwen2.5-7B-Instruct");
        string corpusFile = args.Length > 1 ? args[1] : Path.Combine(data, "benchmarks", "math500.jsonl");
        var texts = new List<string>();
        foreach (string line in File.ReadLines(corpusFile))
        {
            using var row = JsonDocument.Parse(line);
            foreach (string field in new[] { "problem", "solution" })
                if (row.RootElement.TryGetProperty(field, out var value) && value.GetString() is { } s) texts.Add(s);
        }
        long bytes = texts.Sum(t => (long)System.Text.Encoding.UTF8.GetByteCount(t));

        var load = Stopwatch.StartNew();
        var ours = HuggingFaceTokenizer.Load(model);
        Console.WriteLine($"load ours ({ours.Source}): {load.Elapsed.TotalSeconds:F2} s");
        string json = Path.Combine(Path.GetTempPath(), $"r1sharp-bench-tokenizer-{Environment.ProcessId}.json");
        ours.SaveTokenizerJson(json);
        load.Restart();
        var rust = new Tokenizers.DotNet.Tokenizer(vocabPath: json);
        Console.WriteLine($"load Rust (tokenizer.json written from the same files): {load.Elapsed.TotalSeconds:F2} s");

        long tokens = 0;
        int mismatches = 0;
        foreach (string text in texts)
        {
            var a = ours.Encode(text);
            var b = rust.Encode(text);
            tokens += a.Count;
            if (!a.SequenceEqual(b.Select(id => (int)id))) mismatches++;
        }
        double oursSeconds = Best(() => { foreach (string t in texts) ours.Encode(t); });
        double rustSeconds = Best(() => { foreach (string t in texts) rust.Encode(t); });
        File.Delete(json);

        Console.WriteLine($"corpus: {texts.Count} texts, {bytes / 1e6:F2} MB, {tokens} tokens; id mismatches vs Rust: {mismatches}");
        Console.WriteLine($"ours : {oursSeconds:F3} s  {bytes / oursSeconds / 1e6:F2} MB/s  {tokens / oursSeconds / 1e3:F0} k tokens/s");
        Console.WriteLine($"Rust : {rustSeconds:F3} s  {bytes / rustSeconds / 1e6:F2} MB/s  {tokens / rustSeconds / 1e3:F0} k tokens/s");
        Console.WriteLine($"ratio ours/Rust throughput: {rustSeconds / oursSeconds:F2}");
        return Task.FromResult(mismatches == 0 ? 0 : 1);
    }

    private static double Best(Action run, int repeats = 3)
    {
        run(); // warm caches
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            run();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static string FindSharedData()
    {
        string? env = Environment.GetEnvironmentVariable("R1SHARP_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("shared/data not found (set R1SHARP_SHARED_DATA)");
    }
}
