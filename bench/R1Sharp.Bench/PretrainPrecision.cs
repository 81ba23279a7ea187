using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Zero;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Bench;

/// <summary>
/// fp32 against bf16 mixed precision in one run (issue 18): pre-training tokens/s of <c>r1 zero</c>'s base model
/// (<see cref="ZeroModelShape"/> defaults, <see cref="BasePretrainer"/>) and its loss after the same steps in each
/// precision (the same pre-training workers in both, one unless <c>--workers</c> says otherwise: the comparison is of
/// precision alone; <c>1 --workers 2</c> is <c>r1 zero</c>'s own setting, one torch thread and two workers); the bf16 matmul peak, and the bf16
/// mixed-precision training throughput of the ~20M-parameter model of <c>model-training</c> as a fraction of it
/// (training FLOPs taken as 6 x parameters x tokens); with <c>--workers</c> also that model on the workers, against the
/// bf16 peak of as many torch threads as the workers use in all.
/// Usage: pretrain-precision [threads (2)] [pretrain steps (60)] [batch (32)] [20M-model steps (3)] [--workers N (1)] [--json FILE].
/// </summary>
internal static class PretrainPrecision
{
    public static Task<int> RunAsync(string[] args)
    {
        string? json = Option(ref args, "--json");
        int workers = int.Parse(Option(ref args, "--workers") ?? "1");
        int threads = args.Length > 0 ? int.Parse(args[0]) : 2;
        int steps = args.Length > 1 ? int.Parse(args[1]) : 60;
        int batch = args.Length > 2 ? int.Parse(args[2]) : 32;
        int largeSteps = args.Length > 3 ? int.Parse(args[3]) : 3;
        torch.set_num_threads(threads);
        string load = File.ReadAllText("/proc/loadavg").Trim();
        Console.WriteLine($"load average {load}; {threads} threads; pre-training {steps} steps of {batch} documents on {workers} worker(s)");
        double fp32Peak = MatmulPeak.Measure(2048, ScalarType.Float32);
        double bf16Peak = MatmulPeak.Measure(2048, ScalarType.BFloat16);
        Console.WriteLine($"matmul peak (2048^3): fp32 {fp32Peak:F1} GFLOP/s, bf16 {bf16Peak:F1} GFLOP/s");

        var result = new JsonObject { ["load_average"] = load, ["threads"] = threads, ["workers"] = workers, ["steps"] = steps, ["batch"] = batch };
        var tokenizer = new TaskTokenizer();
        var pretrainer = new BasePretrainer(TaskSuite.CreateDefault(seed: 1, heldOutPerFamily: 2), tokenizer, new CorpusNoise());
        long tokens = Enumerable.Range(1, steps).Sum(s => pretrainer.Batch(s, batch, torch.CPU).RealTokens);
        double fp32Rate = 0;
        // A few untimed steps in each precision first: the first run in a process pays for JIT compilation and the native
        // libraries' set-up, which would otherwise be charged to whichever precision runs first (fp32).
        foreach (bool bf16 in new[] { false, true })
        {
            using var warm = CausalLanguageModel.Create(BuiltInModel.Config(new ZeroModelShape(), tokenizer), torch.CPU, ScalarType.Float32, seed: 1);
            pretrainer.Train(warm, new PretrainOptions(Steps: 5, BatchSize: batch, SaveSteps: 0, Bf16: bf16, Workers: workers), null, CancellationToken.None);
        }
        foreach (bool bf16 in new[] { false, true })
        {
            using var model = CausalLanguageModel.Create(BuiltInModel.Config(new ZeroModelShape(), tokenizer), torch.CPU, ScalarType.Float32, seed: 1);
            var losses = new List<double>();
            var clock = Stopwatch.StartNew();
            pretrainer.Train(model, new PretrainOptions(Steps: steps, BatchSize: batch, SaveSteps: 0, Bf16: bf16, Workers: workers),
                new SynchronousLosses(losses), CancellationToken.None);
            double rate = tokens / clock.Elapsed.TotalSeconds;
            double finalLoss = losses.TakeLast(Math.Min(10, losses.Count)).Average();
            if (!bf16) fp32Rate = rate;
            string name = bf16 ? "bf16_mixed" : "fp32";
            Console.WriteLine($"base model pre-training {name}: {rate:F0} tokens/s, loss {losses[0]:F3} -> {finalLoss:F3} (mean of the last 10 steps)" +
                (bf16 ? $"; {rate / fp32Rate:F2}x fp32" : ""));
            result[name] = new JsonObject { ["tokens_per_second"] = rate, ["first_loss"] = losses[0], ["final_loss"] = finalLoss };
        }
        result["bf16_speedup"] = result["bf16_mixed"]!["tokens_per_second"]!.GetValue<double>() / fp32Rate;

        result["matmul_peak_gflops"] = new JsonObject { ["fp32"] = fp32Peak, ["bf16"] = bf16Peak };
        var (parameters, largeRate) = LargeModelMixed(batch: 8, length: 256, largeSteps, workers: 1);
        double gflops = 6.0 * parameters * largeRate / 1e9;
        Console.WriteLine($"~20M model ({parameters / 1e6:F1}M parameters) bf16 mixed training: {largeRate:F0} tokens/s = {gflops:F1} GFLOP/s = {100 * gflops / bf16Peak:F0}% of the bf16 peak");
        result["model_20m_bf16_mixed"] = new JsonObject { ["parameters"] = parameters, ["tokens_per_second"] = largeRate, ["gflops"] = gflops, ["fraction_of_bf16_peak"] = gflops / bf16Peak };
        if (workers > 1)
        {
            // The workers use workers x threads cores: compare them with the peak of as many torch threads.
            torch.set_num_threads(threads * workers);
            double machinePeak = MatmulPeak.Measure(2048, ScalarType.BFloat16);
            torch.set_num_threads(threads);
            var (_, workersRate) = LargeModelMixed(batch: 8, length: 256, largeSteps, workers);
            double workersGflops = 6.0 * parameters * workersRate / 1e9;
            Console.WriteLine($"~20M model on {workers} workers: {workersRate:F0} tokens/s = {workersGflops:F1} GFLOP/s = {100 * workersGflops / machinePeak:F0}% of the bf16 peak of {threads * workers} threads ({machinePeak:F1} GFLOP/s)");
            result["model_20m_bf16_mixed_workers"] = new JsonObject
            {
                ["workers"] = workers,
                ["tokens_per_second"] = workersRate,
                ["gflops"] = workersGflops,
                ["bf16_peak_gflops"] = machinePeak,
                ["fraction_of_bf16_peak"] = workersGflops / machinePeak,
            };
        }
        if (json is not null) File.WriteAllText(json, result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return Task.FromResult(0);
    }

    // The model of model-training (6 layers, hidden 512, vocab 8192), trained in bf16 mixed precision on random tokens;
    // with several workers each step's rows are split into as many micro-batches, trained at once.
    private static (long Parameters, double TokensPerSecond) LargeModelMixed(int batch, int length, int steps, int workers)
    {
        var config = TrainingThroughput.Config();
        using var model = CausalLanguageModel.Create(config, torch.CPU, ScalarType.Float32, seed: 1);
        model.train();
        using var mixed = new MixedPrecisionModel(model);
        var parameters = mixed.MasterParameters.ToList();
        using var optimizer = new R1Sharp.Training.Optimization.AdamW(parameters, lr: 1e-4, weightDecay: 0.01); // the trainers' own (fused) AdamW
        var step = new CrossEntropyStep(b => mixed.Compute.Forward(b.InputIds), parameters, maxGradNorm: 1.0).WithMasterWeights(mixed)
            .WithConcurrentMicroBatches(workers);
        var generator = new torch.Generator(3);
        TokenBatch NextBatch(int rows)
        {
            var ids = torch.randint(0, config.VocabSize, [rows, length + 1], generator: generator);
            var input = ids.narrow(1, 0, length);
            long count = (long)rows * length;
            return new TokenBatch(input, torch.arange(length).expand(rows, length), ids.narrow(1, 1, length), torch.ones([rows, 1, length, length], ScalarType.Bool),
                torch.ones([rows, length], ScalarType.Int64), count, count, count);
        }
        var times = new List<double>();
        for (int i = 0; i <= steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            var shares = Enumerable.Range(0, workers).Select(w => NextBatch(batch * (w + 1) / workers - batch * w / workers)).ToList();
            var clock = Stopwatch.StartNew();
            step.Run(optimizer, [.. shares.Select(share => (Func<TokenBatch>)(() => share))], (long)batch * length);
            if (i > 0) times.Add(clock.Elapsed.TotalSeconds); // the first step warms up
        }
        times.Sort();
        return (model.ParameterCount, batch * length / times[times.Count / 2]);
    }

    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/> (both removed from them), or null.</summary>
    internal static string? Option(ref string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0 || i + 1 >= args.Length) return null;
        string value = args[i + 1];
        args = [.. args[..i], .. args[(i + 2)..]];
        return value;
    }

    private sealed class SynchronousLosses(List<double> losses) : IProgress<(int Step, double Loss)>
    {
        public void Report((int Step, double Loss) value) => losses.Add(value.Loss);
    }
}
