using System.Diagnostics;
using R1Sharp.Generation;
using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Bench;

/// <summary>
/// Prefill and decode tokens/s of a random-weight model with a real config's shape (default: Qwen2.5-0.5B), in
/// fp32 and bf16, with the memory-bandwidth bound of batch-1 decoding measured in the same run.
/// Usage: model-generation [config.json] [threads] [decode tokens].
/// </summary>
internal static class GenerationThroughput
{
    public static Task<int> RunAsync(string[] args)
    {
        string config = args.Length > 0 ? args[0] : Path.Combine(SharedDataDir(), "hf", "Qwen2.5-0.5B-Instruct", "config.json");
        int threads = args.Length > 1 ? int.Parse(args[1]) : 2;
        int decodeTokens = args.Length > 2 ? int.Parse(args[2]) : 16;
        torch.set_num_threads(threads);
        var modelConfig = ModelConfig.Load(config);
        double bandwidth = MemoryBandwidth.MeasureGBps();
        Console.WriteLine($"config {config}; {threads} threads; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"memory bandwidth (512 MB copy, read+write): {bandwidth:F1} GB/s");
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            using var model = CausalLanguageModel.Create(modelConfig, torch.CPU, dtype, seed: 1);
            model.eval();
            long weightBytes = model.ParameterCount * (dtype == ScalarType.Float32 ? 4 : 2);
            var generator = new BatchedGenerator(model);
            var random = new Random(7);
            IReadOnlyList<int> Prompt(int length) => Enumerable.Range(0, length).Select(_ => random.Next(modelConfig.VocabSize)).ToArray();

            double prefill = Prefill(model, 256);
            Console.WriteLine($"{dtype}: {model.ParameterCount / 1e6:F0}M parameters, {weightBytes / 1e9:F2} GB of weights");
            Console.WriteLine($"  prefill, 1 x 256 tokens: {prefill:F0} tokens/s");
            foreach (int batch in new[] { 1, 32 })
            {
                var prompts = Enumerable.Range(0, batch).Select(_ => Prompt(32)).ToList();
                double rate = DecodeTokensPerSecond(generator, prompts, decodeTokens);
                Console.Write($"  decode batch {batch,2}: {rate:F1} tokens/s");
                if (batch == 1)
                {
                    double bound = bandwidth * 1e9 / weightBytes;
                    Console.Write($"  (bandwidth bound {bound:F1} tokens/s = weights / bandwidth; measured is {bound / rate:F2}x slower)");
                }
                Console.WriteLine();
            }
        }
        return Task.FromResult(0);
    }

    /// <summary>Tokens/s of one forward pass over a prompt, writing a KV cache (what generation's prefill does).</summary>
    private static double Prefill(CausalLanguageModel model, int length)
    {
        using var noGrad = torch.no_grad();
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            using var scope = torch.NewDisposeScope();
            var ids = torch.randint(0, model.Config.VocabSize, [1, length], ScalarType.Int64);
            using var cache = new KvCache(model.Config, 1, length, torch.CPU, model.Dtype);
            var sw = Stopwatch.StartNew();
            model.Forward(ids, cache: cache, logitsToKeep: 1);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return length / best;
    }

    /// <summary>
    /// Generated tokens/s of the decode phase: the time of a run with 1 + n new tokens minus that of a run with 1
    /// (prefill + first token), so prompt processing is not counted. Greedy, no EOS: every row runs to the end.
    /// </summary>
    private static double DecodeTokensPerSecond(BatchedGenerator generator, IReadOnlyList<IReadOnlyList<int>> prompts, int tokens)
    {
        var options = new SamplingOptions { Temperature = 0 };
        generator.Generate(prompts, options with { MaxNewTokens = 2 }); // warm-up
        var sw = Stopwatch.StartNew();
        generator.Generate(prompts, options with { MaxNewTokens = 1 });
        double first = sw.Elapsed.TotalSeconds;
        sw.Restart();
        generator.Generate(prompts, options with { MaxNewTokens = 1 + tokens });
        double all = sw.Elapsed.TotalSeconds;
        return prompts.Count * tokens / (all - first);
    }

    internal static string SharedDataDir()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !Directory.Exists(Path.Combine(dir.FullName, "shared", "data"))) dir = dir.Parent;
        return dir is null ? throw new DirectoryNotFoundException("shared/data not found above " + AppContext.BaseDirectory) : Path.Combine(dir.FullName, "shared", "data");
    }
}
