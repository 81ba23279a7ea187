using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.Checkpoints;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Metrics;
using TorchSharp;

namespace R1Sharp.Bench.Distributed;

/// <summary>
/// The same GRPO job (a small random Qwen2: Qwen2.5-0.5B's vocabulary, 2 layers, hidden 128; 4 prompts × G 4 per step,
/// 32-token completions, 3 steps) as 1 rank × 1 thread and as 2 ranks × 1 thread under <c>mpirun</c>, on the same global
/// batch. Reports completion tokens per second of each (generated tokens over the timed steps' wall time, summed over
/// ranks) and the largest difference of the final weights, relative to the largest weight (issue 17's targets: ≤ 1e-5
/// fp32, 2 ranks ≥ 1.6× 1 rank). Each job first runs one untimed step (<c>--warmup</c>): the first step compiles the
/// code, which one rank does on the idle second core and two ranks cannot, so it measures start-up, not training
/// throughput; the figures over every step, the warm-up included, are printed and written too (<c>*_all_steps</c>). A third arm runs two independent 1-rank jobs at once: their summed throughput is what two
/// ranks could reach on this machine with nothing exchanged (<c>independent2_tokens_per_second</c>), the measured
/// ceiling the 2-rank figure is read against. Needs Open MPI's mpirun on PATH.
/// Usage: data-parallel [--json FILE] [--steps N (3)] [--warmup N (1)] [--layers N (2)] [--hidden N (128)].
/// </summary>
internal static class DataParallelBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (BenchArguments.Value(args, "--child") is { } childOutput) return await ChildAsync(childOutput, args);
        string? json = BenchArguments.Value(args, "--json");
        int layers = int.Parse(BenchArguments.Value(args, "--layers") ?? "2", CultureInfo.InvariantCulture);
        int hidden = int.Parse(BenchArguments.Value(args, "--hidden") ?? "128", CultureInfo.InvariantCulture);
        int timedSteps = int.Parse(BenchArguments.Value(args, "--steps") ?? "3", CultureInfo.InvariantCulture);
        int warmup = int.Parse(BenchArguments.Value(args, "--warmup") ?? "1", CultureInfo.InvariantCulture);
        string steps = (warmup + timedSteps).ToString(CultureInfo.InvariantCulture);
        string work = Directory.CreateTempSubdirectory("r1-bench-dp").FullName;
        try
        {
            string model = Path.Combine(work, "model");
            var config = RandomQwenCheckpoint.Write(model, layers, hidden, intermediate: hidden * 2);
            string rows = Path.Combine(work, "rows.jsonl");
            await File.WriteAllLinesAsync(rows, Enumerable.Range(1, 16).Select(i => $"{{\"problem\": \"What is {i}+{i}?\", \"answer\": \"{2 * i}\"}}"));
            Console.WriteLine($"GRPO, random Qwen2 ({layers} layers, hidden {hidden}, vocabulary {config.VocabSize}), 4 prompts x 4 completions x 32 tokens, {timedSteps} timed steps after {warmup} untimed, 1 thread per rank; load average {File.ReadAllText("/proc/loadavg").Trim()}");
            // Two ranks decoding at once stream their lm_head copies over one memory bus, so the machine's memory speed at
            // the time (it swings on this VM) is printed with every run: a 2-thread read, as decode-vs-llamacpp measures it.
            double readGBps = MemoryBandwidth.MeasureReadGBps(2, megabytes: 256, repeats: 3);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"memory: 2-thread streaming read {readGBps:F1} GB/s"));
            var results = new Dictionary<int, (double TokensPerSecond, double AllSteps, string Output)>();
            foreach (int ranks in new[] { 1, 2 })
            {
                string output = Path.Combine(work, $"ranks{ranks}");
                int code = await RunRanksAsync(ranks, ChildArguments(output, model, rows, steps));
                if (code != 0) return code;
                var metrics = ReadSteps(output);
                results[ranks] = (Report($"{ranks} rank(s)", metrics, warmup), Report($"{ranks} rank(s), warm-up included", metrics, 0), output);
            }

            // The machine's own ceiling for two ranks: two independent one-rank jobs at once, nothing exchanged. What
            // they lose against one job alone is lost to the shared cores, caches and memory, not to data parallelism.
            string[] pair = [Path.Combine(work, "independent-a"), Path.Combine(work, "independent-b")];
            int[] codes = await Task.WhenAll(pair.Select(o => RunRanksAsync(1, ChildArguments(o, model, rows, steps))));
            if (codes.FirstOrDefault(c => c != 0) is var failed and not 0) return failed;
            double independent = pair.Sum(o => Report("  independent 1-rank job", ReadSteps(o), warmup));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"two independent 1-rank jobs at once: {independent,8:F1} completion tokens/s together, {independent / results[1].TokensPerSecond:F2}x one alone (the ceiling of 2 ranks here)"));
            double difference = MaxRelativeDifference(Final(results[1].Output), Final(results[2].Output));
            double speedUp = results[2].TokensPerSecond / results[1].TokensPerSecond;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"speed-up {speedUp:F2}x ({results[2].TokensPerSecond / independent:P0} of the two independent jobs' throughput; {results[2].AllSteps / results[1].AllSteps:F2}x with the warm-up step); max relative weight difference {difference:E2}"));
            if (json is not null)
            {
                var document = new JsonObject
                {
                    ["ranks1_tokens_per_second"] = Math.Round(results[1].TokensPerSecond, 2),
                    ["ranks2_tokens_per_second"] = Math.Round(results[2].TokensPerSecond, 2),
                    ["max_relative_weight_difference"] = difference,
                    ["independent2_tokens_per_second"] = Math.Round(independent, 2),
                    ["ranks1_tokens_per_second_all_steps"] = Math.Round(results[1].AllSteps, 2),
                    ["ranks2_tokens_per_second_all_steps"] = Math.Round(results[2].AllSteps, 2),
                    ["timed_steps"] = timedSteps,
                    ["warmup_steps"] = warmup,
                    ["load_average"] = File.ReadAllText("/proc/loadavg").Trim(),
                    ["memory_read_gbps"] = Math.Round(readGBps, 1),
                };
                await File.WriteAllTextAsync(json, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string[] ChildArguments(string output, string model, string rows, string steps) =>
        ["data-parallel", "--child", output, "--model", model, "--data", rows, "--steps", steps];

    // Completion tokens per second of one run's steps after the first `skip` (generated tokens over the steps' wall time,
    // summed over ranks), printed with its breakdown.
    private static double Report(string label, IReadOnlyList<StepMetrics> steps, int skip)
    {
        var metrics = steps.Where(m => m.Step > skip).ToList();
        double tokens = metrics.Sum(m => m.Values["tokens_per_second"] * m.Values["step_time"]);
        double seconds = metrics.Sum(m => m.Values["step_time"]);
        double generation = metrics.Sum(m => m.Values["generation_time"]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {tokens / seconds,8:F1} completion tokens/s ({tokens:F0} tokens in {seconds:F1} s; sampling {generation:F1} s, scoring and training {seconds - generation:F1} s; steps {string.Join(" ", metrics.Select(m => m.Values["step_time"].ToString("F1", CultureInfo.InvariantCulture)))} s)"));
        return tokens / seconds;
    }

    // The per-step metrics a job wrote (rank 0's log).
    private static IReadOnlyList<StepMetrics> ReadSteps(string output) => MetricsLog.ReadJsonl(Path.Combine(output, MetricsLog.JsonlFileName));

    // One rank of the job: r1 grpo's library path with fixed options, one torch thread.
    private static async Task<int> ChildAsync(string output, string[] args)
    {
        torch.set_num_threads(1);
        var options = new GrpoOptions
        {
            NumGenerations = 4,
            PromptsPerStep = 4,
            MaxCompletionLength = 32,
            MaxSteps = int.Parse(BenchArguments.Value(args, "--steps")!, CultureInfo.InvariantCulture),
            Beta = 0,
            LearningRate = 1e-4,
            SaveSteps = 0,
            WeightCheckSteps = 1,
            GradientAccumulationSteps = 1,
            SkipMemoryCheck = true,
        };
        var request = new GrpoRunRequest(BenchArguments.Value(args, "--model")!, BenchArguments.Value(args, "--data")!, output, options, "repetition(ngram_size=1)");
        await HuggingFaceGrpoRun.RunAsync(request, null, CancellationToken.None);
        return 0;
    }

    private static async Task<int> RunRanksAsync(int ranks, string[] args)
    {
        var start = new ProcessStartInfo("mpirun") { UseShellExecute = false };
        foreach (var a in (string[])["--oversubscribe", "--bind-to", "none", "-x", "OMP_NUM_THREADS=1", "-np", ranks.ToString(CultureInfo.InvariantCulture)])
            start.ArgumentList.Add(a);
        string self = Environment.ProcessPath!;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(self);
        start.ArgumentList.Add(Path.GetFileNameWithoutExtension(self) == "dotnet" ? typeof(DataParallelBench).Assembly.Location : self);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) Console.Error.WriteLine($"mpirun -np {ranks} exited with {process.ExitCode}");
        return process.ExitCode;
    }

    internal static Dictionary<string, float[]> Final(string output)
    {
        string checkpoint = Directory.GetDirectories(Path.Combine(output, "checkpoints"), "checkpoint-*").OrderBy(d => d.Length).ThenBy(d => d, StringComparer.Ordinal).Last();
        using var file = SafetensorsFile.Open(Path.Combine(checkpoint, "model.safetensors"));
        return file.Entries.Keys.ToDictionary(k => k, k =>
        {
            using var t = file.Read(k, torch.CPU, torch.ScalarType.Float32);
            return t.data<float>().ToArray();
        });
    }

    internal static double MaxRelativeDifference(Dictionary<string, float[]> a, Dictionary<string, float[]> b)
    {
        double scale = a.Values.Max(v => v.Max(x => Math.Abs((double)x)));
        return a.Keys.Max(k => a[k].Zip(b[k]).Max(p => Math.Abs((double)p.First - p.Second))) / scale;
    }
}
