using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Training.Zero;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Bench;

/// <summary>
/// One AdamW step over a real model's parameters: R1Sharp's AdamW (the fused update, <c>FusedAdamWUpdate</c>) against
/// TorchSharp's, which runs libtorch's element-wise kernels, on identical copies of the weights and gradients. The two
/// step in turn, round by round; each side's median step is reported, and whether the weights still agree bit for bit.
/// Models: <c>r1 zero</c>'s base model (0.8M parameters), the data-parallel bench's random Qwen2 (Qwen2.5's 151,936-token
/// vocabulary, 19.6M parameters, most of them the embedding), and <c>model-training</c>'s ~20M shape.
/// Usage: adamw-step [threads (1)] [rounds (9)] [--json FILE].
/// </summary>
internal static class AdamWStepBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (threads, rounds, json) = BenchArguments.ThreadsRoundsJson(args, defaultRounds: 9);
        torch.set_num_threads(threads);
        string load = File.ReadAllText("/proc/loadavg").Trim();
        Console.WriteLine($"AdamW step, {threads} thread(s), {rounds} rounds; load average {load}");
        var models = new (string Name, ModelConfig Config)[]
        {
            ("r1 zero base model", BuiltInModel.Config(new ZeroModelShape(), new TaskTokenizer())),
            ("data-parallel Qwen2 (Qwen vocabulary)", RandomQwenCheckpoint.Config(layers: 2, hidden: 128, intermediate: 256)),
            ("model-training ~20M", TrainingThroughput.Config()),
        };
        var results = new JsonArray();
        foreach (var (name, config) in models)
        {
            using var model = CausalLanguageModel.Create(config, torch.CPU, ScalarType.Float32, seed: 1);
            var ours = model.parameters().Select(p => new Parameter(p.detach().clone())).ToArray();
            var theirs = model.parameters().Select(p => new Parameter(p.detach().clone())).ToArray();
            long count = ours.Sum(p => p.numel());
            using var fused = new R1Sharp.Training.Optimization.AdamW(ours, 1e-3, 0.9, 0.95, 1e-8, 0.1);
            using var libtorch = optim.AdamW(theirs, 1e-3, 0.9, 0.95, 1e-8, 0.1);
            var fusedTimes = new List<double>();
            var libtorchTimes = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                using var generator = new Generator((ulong)(round + 1));
                foreach (var (a, b) in ours.Zip(theirs))
                {
                    a.grad = randn(a.shape, generator: generator);
                    b.grad = a.grad.clone();
                }
                libtorchTimes.Add(Time(libtorch));
                fusedTimes.Add(Time(fused));
            }
            bool identical = ours.Zip(theirs).All(p => p.First.data<float>().ToArray().AsSpan().SequenceEqual(p.Second.data<float>().ToArray()));
            double fusedMs = Median.Of(fusedTimes), libtorchMs = Median.Of(libtorchTimes);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {count / 1e6:F1}M parameters in {ours.Length} tensors; libtorch kernels {libtorchMs:F2} ms, fused {fusedMs:F2} ms a step: {libtorchMs / fusedMs:F1}x; weights identical: {identical}"));
            results.Add(new JsonObject
            {
                ["model"] = name,
                ["parameters"] = count,
                ["libtorch_ms"] = Math.Round(libtorchMs, 3),
                ["fused_ms"] = Math.Round(fusedMs, 3),
                ["speedup"] = Math.Round(libtorchMs / fusedMs, 2),
                ["identical"] = identical,
            });
        }
        if (json is not null)
            await File.WriteAllTextAsync(json, new JsonObject { ["threads"] = threads, ["load_average"] = load, ["models"] = results }
                .ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static double Time(optim.Optimizer optimizer)
    {
        var clock = Stopwatch.StartNew();
        optimizer.step();
        return clock.Elapsed.TotalMilliseconds;
    }

}
