using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.Models;
using R1Sharp.Models.Lora;
using R1Sharp.Rewards.Composition;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using TorchSharp;

namespace R1Sharp.Bench.Memory;

/// <summary>
/// Peak resident memory and time of one GRPO step (β &gt; 0, so a reference is needed) of a Qwen2.5-0.5B-shaped model
/// cut to 4 layers (hidden 896, 14/2 heads, MLP 4864, vocabulary 151,936, random weights), 8 completions of 256
/// tokens after a 64-token prompt, for four configurations, each in its own process so that one's peak (VmHWM) is
/// not another's: <c>full</c> (full fine-tuning, whole logits), <c>checkpointing</c> (+ per-layer activation
/// checkpointing), <c>chunked</c> (+ log-probs in chunks of 1024 positions; not checkpointed), <c>lora_all</c> (LoRA
/// r = 16 on every linear layer + checkpointing + chunking; π_ref = the base with adapters off).
/// Usage: grpo-memory [--json FILE] [--threads N] [--only NAME,...] [--chunk POSITIONS (1024)] | grpo-memory --predict (the estimate
/// for these configurations and for Qwen2.5-1.5B/7B/32B, see <see cref="GrpoMemoryPrediction"/>).
/// </summary>
internal static class GrpoMemoryBench
{
    internal static readonly string[] Configurations = ["full", "checkpointing", "chunked", "lora_all"];

    public static async Task<int> RunAsync(string[] args)
    {
        string? child = BenchArguments.Value(args, "--child");
        int chunk = int.Parse(BenchArguments.Value(args, "--chunk") ?? "1024", CultureInfo.InvariantCulture);
        int threads = int.Parse(BenchArguments.Value(args, "--threads") ?? "2", CultureInfo.InvariantCulture);
        if (child is not null) return await ChildAsync(child, threads, chunk);
        if (args.Contains("--predict")) return GrpoMemoryPrediction.Run(chunk);

        string? json = BenchArguments.Value(args, "--json");
        string[] names = BenchArguments.Value(args, "--only") is { } only ? only.Split(',') : Configurations;
        Console.WriteLine($"GRPO step, Qwen2.5-0.5B shape cut to 4 layers, 8 x (64 + 256) tokens, beta 0.04, fp32, {threads} threads; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"{"config",-14} {"peak MiB",9} {"step s",8} {"CPU s",8} {"peak / full",12} {"time / full",12} {"CPU / full",11}");
        var results = new List<(string Name, double PeakMib, double StepSeconds, double CpuSeconds)>();
        foreach (string name in names)
        {
            var (peak, seconds, cpu) = await RunChildAsync(name, threads, chunk);
            results.Add((name, peak, seconds, cpu));
            var full = results[0];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-14} {peak,9:F0} {seconds,8:F1} {cpu,8:F1} {peak / full.PeakMib,12:P0} {seconds / full.StepSeconds,12:F2}x {cpu / full.CpuSeconds,11:F2}x"));
        }
        if (json is not null)
        {
            var document = new JsonObject
            {
                ["configs"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
                {
                    ["name"] = r.Name,
                    ["peak_mib"] = Math.Round(r.PeakMib, 1),
                    ["step_seconds"] = Math.Round(r.StepSeconds, 2),
                    ["step_cpu_seconds"] = Math.Round(r.CpuSeconds, 2),
                })]),
                ["load_average"] = File.ReadAllText("/proc/loadavg").Trim(),
            };
            await File.WriteAllTextAsync(json, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        return 0;
    }

    private static async Task<(double PeakMib, double StepSeconds, double CpuSeconds)> RunChildAsync(string name, int threads, int chunk)
    {
        // Run this same benchmark executable again, as the child for one configuration.
        string self = Environment.ProcessPath!;
        var start = Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? new ProcessStartInfo(self, [typeof(GrpoMemoryBench).Assembly.Location, "grpo-memory", "--child", name, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--chunk", chunk.ToString(CultureInfo.InvariantCulture)])
            : new ProcessStartInfo(self, ["grpo-memory", "--child", name, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--chunk", chunk.ToString(CultureInfo.InvariantCulture)]);
        start.RedirectStandardOutput = true;
        using var process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"grpo-memory {name} exited {process.ExitCode}: {output}");
        var result = JsonNode.Parse(output.Trim().Split('\n')[^1])!;
        return (result["peak_mib"]!.GetValue<double>(), result["step_seconds"]!.GetValue<double>(), result["step_cpu_seconds"]!.GetValue<double>());
    }

    private static async Task<int> ChildAsync(string name, int threads, int chunk)
    {
        if (!Configurations.Contains(name)) throw new ArgumentException($"--child: unknown configuration '{name}'");
        torch.set_num_threads(threads);
        var config = Shape();
        bool lora = name == "lora_all";
        var options = Options(name, chunk);
        using var policy = CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, seed: 1);
        using var adapters = lora ? LoraModel.Attach(policy, options.Lora! with { Dropout = 0 }, seed: 2) : null;
        using var separateReference = lora ? null : CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, seed: 1);
        if (separateReference is not null)
            foreach (var p in separateReference.parameters()) p.requires_grad = false;
        var reference = separateReference ?? policy;
        var fixedRollouts = new FixedRollouts(config.VocabSize, options.MaxPromptLength, options.MaxCompletionLength);
        var step = new GrpoStep(policy, reference, fixedRollouts, fixedRollouts, new RewardComposer([new WeightedReward(fixedRollouts)]), fixedRollouts, options);
        using var optimizer = torch.optim.AdamW(LoraModel.TrainableParameters(policy), lr: 1e-6);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: set up, resident {ResidentMib("VmRSS:"):F0} MiB"));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = await step.RunAsync(1, 0, optimizer, CancellationToken.None);
        double seconds = clock.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: loss {result.Metrics["loss"]:G4}, kl {result.Metrics["kl"]:G4}"));
        Console.WriteLine(JsonSerializer.Serialize(new { name, peak_mib = PeakResidentMib(), step_seconds = seconds, step_cpu_seconds = cpuSeconds }));
        return 0;
    }

    /// <summary>The measured model: Qwen2.5-0.5B's shape cut to 4 layers.</summary>
    internal static ModelConfig Shape() =>
        ModelConfig.Load(Path.Combine(GenerationThroughput.SharedDataDir(), "hf", "Qwen2.5-0.5B-Instruct", "config.json")).Scaled(layers: 4);

    /// <summary>The GRPO options of configuration <paramref name="name"/>: 8 × (64 + 256) tokens in one micro-batch, β 0.04.</summary>
    internal static GrpoOptions Options(string name, int chunk) => new()
    {
        NumGenerations = 8,
        PromptsPerStep = 1,
        GradientAccumulationSteps = 1,
        MaxPromptLength = 64,
        MaxCompletionLength = 256,
        Beta = 0.04,
        Temperature = 1.0,
        LogprobChunkSize = name is "chunked" or "lora_all" ? chunk : 0,
        GradientCheckpointing = name is "checkpointing" or "lora_all",
        UsePeft = name == "lora_all",
        LoraRank = 16,
        LoraTargetModules = "all-linear",
    };

    /// <summary>VmHWM of this process (the kernel's high-water mark of resident memory), in MiB.</summary>
    private static double PeakResidentMib() => ResidentMib("VmHWM:");

    private static double ResidentMib(string field)
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
