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
/// Attention of packed rows inside each sample against libtorch's dense masked attention (issue 18): one forward and
/// backward of a whole model over the same packed batch, <see cref="PackedCausalForward.UseSegmentAttention"/> off and
/// on, interleaved after a warm-up; median milliseconds of each, their ratio, and the relative difference of the two
/// losses (the same function, so it should be float rounding). Cases: r1 zero's base model on its 192-token rows of
/// 40-token samples, and the ~20M model of model-training (head width 64) on 1,024-token rows of 256- and 128-token
/// samples; fp32, and bf16 weights as bf16 mixed precision computes with.
/// Usage: packed-attention [threads (1)] [rounds (7)] [--json FILE].
/// </summary>
internal static class PackedAttentionBench
{
    public static Task<int> RunAsync(string[] args)
    {
        string? json = PretrainPrecision.Option(ref args, "--json");
        int threads = args.Length > 0 ? int.Parse(args[0]) : 1;
        int rounds = args.Length > 1 ? int.Parse(args[1]) : 7;
        torch.set_num_threads(threads);
        string load = File.ReadAllText("/proc/loadavg").Trim();
        Console.WriteLine($"load average {load}; {threads} thread(s); {rounds} interleaved rounds after a warm-up");
        var zero = BuiltInModel.Config(new ZeroModelShape(), new TaskTokenizer());
        var large = TrainingThroughput.Config();
        var cases = new JsonArray();
        foreach (var (name, config, rows, length, sample, dtype) in new[]
        {
            ("r1 zero base model, 192-token rows of 40-token samples", zero, 7, 192, 40, ScalarType.Float32),
            ("r1 zero base model, 192-token rows of 40-token samples", zero, 7, 192, 40, ScalarType.BFloat16),
            ("~20M model, 1024-token rows of 256-token samples", large, 2, 1024, 256, ScalarType.Float32),
            ("~20M model, 1024-token rows of 256-token samples", large, 2, 1024, 256, ScalarType.BFloat16),
            ("~20M model, 1024-token rows of 128-token samples", large, 2, 1024, 128, ScalarType.Float32),
        })
        {
            // bf16: the weights of bf16 mixed precision's compute copy; attention then runs in float32 either way.
            using var model = CausalLanguageModel.Create(config, torch.CPU, dtype, seed: 1);
            var batch = Packed(rows, length, sample, config.VocabSize);
            var dense = new PackedCausalForward(model) { UseSegmentAttention = false };
            var segmented = new PackedCausalForward(model) { UseSegmentAttention = true };
            double StepMs(PackedCausalForward forward, out double loss)
            {
                using var scope = NewDisposeScope();
                model.zero_grad();
                var clock = Stopwatch.StartNew();
                var sum = CrossEntropyStep.TokenLossSum(forward.Logits(batch), batch.Labels);
                sum.backward();
                double ms = clock.Elapsed.TotalMilliseconds;
                loss = sum.item<float>();
                return ms;
            }
            for (int i = 0; i < 2; i++) // warm-up
            {
                StepMs(dense, out _);
                StepMs(segmented, out _);
            }
            var denseMs = new List<double>();
            var segmentedMs = new List<double>();
            double denseLoss = 0, segmentedLoss = 0;
            for (int r = 0; r < rounds; r++)
            {
                denseMs.Add(StepMs(dense, out denseLoss));
                segmentedMs.Add(StepMs(segmented, out segmentedLoss));
            }
            double d = Median.Of(denseMs), s = Median.Of(segmentedMs);
            double difference = Math.Abs(denseLoss - segmentedLoss) / Math.Abs(denseLoss);
            Console.WriteLine($"{name}, {dtype}: dense {d:F1} ms, inside samples {s:F1} ms: {d / s:F2}x; loss relative difference {difference:E1}");
            cases.Add(new JsonObject
            {
                ["case"] = name,
                ["dtype"] = dtype.ToString(),
                ["dense_ms"] = d,
                ["segment_ms"] = s,
                ["speedup"] = d / s,
                ["loss_relative_difference"] = difference,
            });
        }
        if (json is not null)
            File.WriteAllText(json, new JsonObject { ["load_average"] = load, ["threads"] = threads, ["cases"] = cases }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return Task.FromResult(0);
    }

    // Rows of back-to-back samples of one length (random tokens, every token trained), the rest of each row padding.
    private static TokenBatch Packed(int rows, int length, int sample, int vocab)
    {
        var random = new Random(3);
        var samples = new List<TokenizedSequence>();
        var packed = new List<PackedRow>();
        for (int r = 0; r < rows; r++)
        {
            var indices = new List<int>();
            for (int used = 0; used + sample <= length; used += sample)
            {
                indices.Add(samples.Count);
                samples.Add(new TokenizedSequence([.. Enumerable.Range(0, sample).Select(_ => random.Next(1, vocab))], [.. Enumerable.Repeat(true, sample)], $"sample {samples.Count}"));
            }
            packed.Add(new PackedRow(indices, length));
        }
        return new TokenBatchCollator(samples, padId: 0).Collate(packed, torch.CPU);
    }

}
