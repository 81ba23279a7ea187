using System.Diagnostics;
using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Bench;

/// <summary>
/// Training tokens/s (forward + backward + AdamW step) of a ~20M-parameter Qwen2-shaped model, as a fraction of
/// the fp32 matmul peak measured in the same run (training FLOPs taken as 6 x parameters x tokens).
/// Usage: model-training [threads] [batch] [sequence length].
/// </summary>
internal static class TrainingThroughput
{
    /// <summary>The ~20M-parameter model of this benchmark (Qwen2.5-0.5B's architecture: 6 layers, hidden 512, 8/2 heads,
    /// MLP 1408, vocabulary 8192), which other benchmarks train too.</summary>
    public static ModelConfig Config() =>
        ModelConfig.Load(Path.Combine(GenerationThroughput.SharedDataDir(), "hf", "Qwen2.5-0.5B-Instruct", "config.json"))
            .Scaled(layers: 6, hidden: 512, heads: 8, kvHeads: 2, intermediate: 1408, vocab: 8192);

    public static Task<int> RunAsync(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0]) : 2;
        int batch = args.Length > 1 ? int.Parse(args[1]) : 8;
        int length = args.Length > 2 ? int.Parse(args[2]) : 256;
        torch.set_num_threads(threads);
        var config = Config();
        double peak = MatmulPeak.Measure(2048, ScalarType.Float32);
        using var model = CausalLanguageModel.Create(config, torch.CPU, ScalarType.Float32, seed: 1);
        model.train();
        var optimizer = torch.optim.AdamW(model.parameters(), lr: 1e-4);
        long parameters = model.ParameterCount;
        Console.WriteLine($"Qwen2-shaped model: 6 layers, hidden 512, 8/2 heads, MLP 1408, vocab 8192 (tied): {parameters / 1e6:F1}M parameters; batch {batch} x {length} tokens; {threads} threads");
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}; fp32 matmul peak (2048^3): {peak:F1} GFLOP/s");

        var generator = new torch.Generator(3);
        double forward = 0, backward = 0, update = 0;
        double Step()
        {
            using var scope = torch.NewDisposeScope();
            var ids = torch.randint(0, config.VocabSize, [batch, length + 1], generator: generator);
            var sw = Stopwatch.StartNew();
            optimizer.zero_grad();
            var logits = model.Forward(ids.narrow(1, 0, length));
            var loss = -TokenLogProbs.Gather(logits, ids.narrow(1, 1, length)).mean();
            loss.item<float>();
            double f = sw.Elapsed.TotalSeconds;
            loss.backward();
            double b = sw.Elapsed.TotalSeconds;
            optimizer.step();
            double total = sw.Elapsed.TotalSeconds;
            forward += f;
            backward += b - f;
            update += total - b;
            return total;
        }
        Step(); // warm-up
        forward = backward = update = 0;
        var times = Enumerable.Range(0, 5).Select(_ => Step()).OrderBy(t => t).ToList();
        double median = times[times.Count / 2];
        Console.WriteLine($"mean split: forward + loss {forward / 5 * 1000:F0} ms, backward {backward / 5 * 1000:F0} ms, AdamW {update / 5 * 1000:F0} ms");
        double tokensPerSecond = batch * length / median;
        double gflops = 6.0 * parameters * tokensPerSecond / 1e9;
        Console.WriteLine($"training step (median of 5): {median * 1000:F0} ms = {tokensPerSecond:F0} tokens/s = {gflops:F1} GFLOP/s (6 x params x tokens) = {100 * gflops / peak:F0}% of the measured fp32 peak");
        return Task.FromResult(0);
    }
}
