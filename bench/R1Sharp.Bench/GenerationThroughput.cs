using System.Diagnostics;
using R1Sharp.Generation;
using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Bench;

/// <summary>
/// Prefill and decode tokens/s of a random-weight model with a real config's shape (default: Qwen2.5-0.5B), in
/// fp32 and bf16, with the memory-bandwidth bound of batch-1 decoding measured in the same run.
/// Usage: model-generation [config.json] [threads] [decode tokens] [prefill tokens] [dtypes: f32,bf16].
/// </summary>
internal static class GenerationThroughput
{
    public static Task<int> RunAsync(string[] args)
    {
        string config = args.Length > 0 && args[0].Length > 0 ? args[0] : Path.Combine(SharedDataDir(), "hf", "Qwen2.5-0.5B-Instruct", "config.json");
        int threads = args.Length > 1 ? int.Parse(args[1]) : 2;
        int decodeTokens = args.Length > 2 ? int.Parse(args[2]) : 16;
        int prefillTokens = args.Length > 3 ? int.Parse(args[3]) : 256;
        var dtypes = (args.Length > 4 ? args[4] : "f32,bf16").Split(',').Select(DeviceSelection.ParseDtype).ToList();
        torch.set_num_threads(threads);
        var modelConfig = ModelConfig.Load(config);
        double bandwidth = MemoryBandwidth.MeasureGBps();
        Console.WriteLine($"config {config}; {threads} threads; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"memory bandwidth (512 MB copy, read+write): {bandwidth:F1} GB/s");
        foreach (var dtype in dtypes)
        {
            using var model = CausalLanguageModel.Create(modelConfig, torch.CPU, dtype, seed: 1);
            model.eval();
            long weightBytes = model.ParameterCount * (dtype == ScalarType.Float32 ? 4 : 2);
            var generator = new BatchedGenerator(model);
            var random = new Random(7);
            IReadOnlyList<int> Prompt(int length) => Enumerable.Range(0, length).Select(_ => random.Next(modelConfig.VocabSize)).ToArray();

            double prefill = Prefill(model, prefillTokens);
            Console.WriteLine($"{dtype}: {model.ParameterCount / 1e6:F0}M parameters, {weightBytes / 1e9:F2} GB of weights");
            Console.WriteLine($"  prefill, 1 x {prefillTokens} tokens: {prefill:F0} tokens/s ({2.0 * model.ParameterCount * prefill / 1e9:F1} GFLOP/s at 2 x params per token)");
            foreach (int batch in new[] { 1, 32 })
            {
                var prompts = Enumerable.Range(0, batch).Select(_ => Prompt(16)).ToList();
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
        for (int i = 0; i < 2; i++)
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
    /// Generated tokens/s of the decode phase alone: timed from the first sampled token (after the prefill) to the
    /// last, through the generator's progress reports. Greedy, no EOS: every row runs to the end.
    /// </summary>
    private static double DecodeTokensPerSecond(BatchedGenerator generator, IReadOnlyList<IReadOnlyList<int>> prompts, int tokens)
    {
        var options = new SamplingOptions { Temperature = 0, MaxNewTokens = 1 + tokens };
        var sw = new Stopwatch();
        int steps = 0;
        long generated = 0;
        var progress = new StepClock(n =>
        {
            if (steps++ == 0) sw.Start();
            else generated += n;
        });
        generator.Generate(prompts, options, progress: progress);
        return generated / sw.Elapsed.TotalSeconds;
    }

    /// <summary>Calls back synchronously on the generating thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class StepClock(Action<int> onStep) : IProgress<int>
    {
        public void Report(int value) => onStep(value);
    }

    internal static string SharedDataDir()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !Directory.Exists(Path.Combine(dir.FullName, "shared", "data"))) dir = dir.Parent;
        return dir is null ? throw new DirectoryNotFoundException("shared/data not found above " + AppContext.BaseDirectory) : Path.Combine(dir.FullName, "shared", "data");
    }
}
