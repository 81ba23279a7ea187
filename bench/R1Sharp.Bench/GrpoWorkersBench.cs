using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.Bench.Distributed;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Metrics;
using TorchSharp;

namespace R1Sharp.Bench;

/// <summary>
/// GRPO's <c>micro_batch_workers</c> side by side: the same job (a small random Qwen2 with Qwen2.5's vocabulary, 2 layers,
/// hidden 128; 8 prompts × G 4 per step, 32-token completions, 4 micro-batches, one torch thread) with one worker and
/// with two, the arms interleaved (1, 2, 1, 2, ...). Reports each arm's training seconds (the steps' time less their
/// sampling: the part the workers split), the ratio, and the largest difference of the final weights between the arms,
/// relative to the largest weight (rounding only: the update is the same sum in another order).
/// Usage: grpo-workers [--rounds N (2)] [--steps N (3)] [--json FILE].
/// </summary>
internal static class GrpoWorkersBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? json = BenchArguments.Value(args, "--json");
        int rounds = int.Parse(BenchArguments.Value(args, "--rounds") ?? "2", CultureInfo.InvariantCulture);
        int steps = int.Parse(BenchArguments.Value(args, "--steps") ?? "3", CultureInfo.InvariantCulture);
        torch.set_num_threads(1);
        string work = Directory.CreateTempSubdirectory("r1-bench-workers").FullName;
        try
        {
            string model = Path.Combine(work, "model");
            var config = RandomQwenCheckpoint.Write(model, layers: 2, hidden: 128, intermediate: 256);
            string rows = Path.Combine(work, "rows.jsonl");
            await File.WriteAllLinesAsync(rows, Enumerable.Range(1, 64).Select(i => $"{{\"problem\": \"What is {i}+{i}{new string('?', i % 7)}\", \"answer\": \"{2 * i}\"}}"));
            Console.WriteLine($"GRPO, random Qwen2 (2 layers, hidden 128, vocabulary {config.VocabSize}), 8 prompts x 4 completions x 32 tokens, 4 micro-batches, {steps} steps, 1 torch thread, {Environment.ProcessorCount} cores; load average {File.ReadAllText("/proc/loadavg").Trim()}");
            var seconds = new Dictionary<int, List<double>> { [1] = [], [2] = [] };
            var outputs = new Dictionary<int, string>();
            for (int round = 0; round < rounds; round++)
            {
                foreach (int workers in new[] { 1, 2 })
                {
                    string output = Path.Combine(work, $"workers{workers}-{round}");
                    var options = new GrpoOptions
                    {
                        NumGenerations = 4,
                        PromptsPerStep = 8,
                        MaxCompletionLength = 32,
                        MaxSteps = steps,
                        Beta = 0.04,
                        LearningRate = 1e-4,
                        SaveSteps = 0,
                        GradientAccumulationSteps = 4,
                        MicroBatchWorkers = workers,
                        SkipMemoryCheck = true,
                    };
                    await HuggingFaceGrpoRun.RunAsync(new GrpoRunRequest(model, rows, output, options, "repetition(ngram_size=1)"), null, CancellationToken.None);
                    var metrics = MetricsLog.ReadJsonl(Path.Combine(output, MetricsLog.JsonlFileName));
                    double training = metrics.Sum(m => m.Values["step_time"] - m.Values["generation_time"]);
                    seconds[workers].Add(training);
                    outputs[workers] = output;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"round {round + 1}, {workers} worker(s): training {training:F2} s (steps {string.Join(" ", metrics.Select(m => m.Values["step_time"].ToString("F2", CultureInfo.InvariantCulture)))} s, sampling {metrics.Sum(m => m.Values["generation_time"]):F2} s)"));
                }
            }
            double one = seconds[1].Average(), two = seconds[2].Average();
            double difference = DataParallelBench.MaxRelativeDifference(DataParallelBench.Final(outputs[1]), DataParallelBench.Final(outputs[2]));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"training: 1 worker {one:F2} s, 2 workers {two:F2} s (means over {rounds} rounds): {one / two:F2}x; max relative weight difference {difference:E2}"));
            if (json is not null)
            {
                var document = new JsonObject
                {
                    ["workers1_training_seconds"] = Math.Round(one, 3),
                    ["workers2_training_seconds"] = Math.Round(two, 3),
                    ["speed_up"] = Math.Round(one / two, 3),
                    ["max_relative_weight_difference"] = difference,
                    ["load_average"] = File.ReadAllText("/proc/loadavg").Trim(),
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
}
