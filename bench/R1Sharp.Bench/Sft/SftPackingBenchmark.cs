using System.Diagnostics;
using System.Text.Json;
using R1Sharp.Text.Templates;
using R1Sharp.Text.Tokenization;
using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Sft;

namespace R1Sharp.Bench.Sft;

/// <summary>
/// Share of compute spent on padding when SFT batches 800 real chain-of-thought responses (Qwen2.5-Math on MATH,
/// shared/data/outputs) rendered with the real Qwen2.5 chat template and tokenizer: one sample per row in data
/// order (TRL without packing: pad to the longest of the batch), length-bucketed, and packed (first-fit
/// decreasing, block-diagonal attention). Also reports how many tokens carry loss and the masking speed.
/// </summary>
internal static class SftPackingBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        int batchSize = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 8;
        int maxLength = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 4096;
        string qwen = SharedDataPath("hf", "Qwen2.5-7B-Instruct");
        var tokenizer = HuggingFaceTokenizer.Load(qwen);
        var masker = new AssistantLossMask(tokenizer, new ChatTemplateRenderer(ChatTemplate.Load(qwen)));

        var conversations = new List<Conversation>();
        foreach (string line in File.ReadLines(SharedDataPath("outputs", "qwen25math_math_cot_100_scored.jsonl")))
        {
            using var row = JsonDocument.Parse(line);
            string question = row.RootElement.GetProperty("question").GetString()!;
            foreach (var response in row.RootElement.GetProperty("code").EnumerateArray())
                conversations.Add(new Conversation([new("user", question), new("assistant", response.GetString()!)], "outputs"));
        }

        var watch = Stopwatch.StartNew();
        var samples = conversations.Select(masker.Tokenize).Select(s => s.Length <= maxLength ? s : s with { Ids = s.Ids[..maxLength], Trainable = s.Trainable[..maxLength] }).ToList();
        double maskSeconds = watch.Elapsed.TotalSeconds;
        int[] lengths = [.. samples.Select(s => s.Length)];
        long tokens = lengths.Sum(l => (long)l);
        long trained = samples.Sum(s => (long)s.TrainableCount);

        double naive = Padding(lengths.Select((_, i) => i).Chunk(batchSize).Select(c => c.Select(i => new PackedRow([i], lengths[i])).ToList()).ToList());
        double bucketed = Padding(SequencePacker.Plan(lengths, SequenceLayout.Bucketed, maxLength, batchSize, 42, 0));
        var packedPlan = SequencePacker.Plan(lengths, SequenceLayout.Packed, maxLength, batchSize, 42, 0);
        double packed = Padding(packedPlan);

        Console.WriteLine($"samples {samples.Count}, tokens {tokens:N0}, trained (assistant) tokens {trained:N0} ({(double)trained / tokens:P1}), " +
                          $"lengths {lengths.Min()}..{lengths.Max()} (mean {lengths.Average():F0})");
        Console.WriteLine($"tokenize + mask: {samples.Count / maskSeconds:F0} conversations/s ({maskSeconds:F2} s)");
        Console.WriteLine($"padding share, batch {batchSize}, max_length {maxLength}:");
        Console.WriteLine($"  one per row, data order (TRL without packing): {naive:P1}");
        Console.WriteLine($"  length-bucketed:                               {bucketed:P1}");
        Console.WriteLine($"  packed (first-fit decreasing):                 {packed:P1}  ({packedPlan.Sum(b => b.Count)} rows for {samples.Count} samples)");
        Console.WriteLine($"  positions computed per real token: naive {1 / (1 - naive):F2}x, bucketed {1 / (1 - bucketed):F2}x, packed {1 / (1 - packed):F2}x");
        return Task.FromResult(0);
    }

    private static double Padding(List<List<PackedRow>> plan)
    {
        long real = plan.Sum(b => b.Sum(r => (long)r.Length));
        long total = plan.Sum(b => (long)b.Count * b.Max(r => r.Length));
        return 1 - (double)real / total;
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
}
