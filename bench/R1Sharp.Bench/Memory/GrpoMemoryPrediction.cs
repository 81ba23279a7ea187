using System.Globalization;
using R1Sharp.Models;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;

namespace R1Sharp.Bench.Memory;

/// <summary>
/// <c>grpo-memory --predict</c>: <see cref="GrpoMemoryEstimate"/> for the four measured configurations (to set beside
/// the measurements) and for real Qwen2.5 shapes (1.5B, 7B, 32B) in bf16 with LoRA r = 16 on every linear layer,
/// activation checkpointing and chunked log-probs, against one 80 GB GPU. Nothing is allocated: shapes only.
/// </summary>
internal static class GrpoMemoryPrediction
{
    private const double GiB = 1024.0 * 1024 * 1024;

    public static int Run(int chunk)
    {
        string hf = Path.Combine(GenerationThroughput.SharedDataDir(), "hf");
        var small = GrpoMemoryBench.Shape();
        Console.WriteLine("The estimate for the measured configurations (fp32, 8 x (64 + 256) tokens, one micro-batch):");
        foreach (string name in GrpoMemoryBench.Configurations)
            Print(name, small, GrpoMemoryBench.Options(name, chunk));

        Console.WriteLine();
        Console.WriteLine("Predicted GRPO step, bf16, LoRA r = 16 all-linear, gradient_checkpointing, logprob_chunk_size " + chunk +
            ", beta 0.04, 16 prompts x 8 completions, prompts of 512 tokens; micro-batches of 8 or of 1 completion:");
        var qwen7 = ModelConfig.Load(Path.Combine(hf, "Qwen2.5-7B-Instruct", "config.json"));
        var models = new (string Name, ModelConfig Config)[]
        {
            ("Qwen2.5-1.5B", ModelConfig.Load(Path.Combine(hf, "Qwen2.5-Math-1.5B", "config.json"))),
            ("Qwen2.5-7B", qwen7),
            // Qwen2.5-32B's published shape (its config is not in shared/data): 64 layers, width 5120, 40/8 heads, MLP 27648.
            ("Qwen2.5-32B", qwen7.Scaled(layers: 64, hidden: 5120, heads: 40, kvHeads: 8, intermediate: 27648)),
        };
        foreach (int completion in new[] { 1024, 4096 })
        {
            foreach (var (name, config) in models)
            {
                foreach (int microBatch in new[] { 8, 1 })
                {
                    var options = new GrpoOptions
                    {
                        NumGenerations = 8,
                        PromptsPerStep = 16,
                        PerDeviceTrainBatchSize = microBatch,
                        MaxPromptLength = 512,
                        MaxCompletionLength = completion,
                        Beta = 0.04,
                        Dtype = TrainingPrecision.Bf16,
                        LogprobChunkSize = chunk,
                        GradientCheckpointing = true,
                        UsePeft = true,
                        LoraRank = 16,
                        LoraTargetModules = "all-linear",
                    };
                    Print($"{name}, {completion} tokens, micro-batch {microBatch}", config, options);
                }
            }
        }
        return 0;
    }

    private static void Print(string name, ModelConfig config, GrpoOptions options)
    {
        var estimate = GrpoMemoryEstimate.Compute(Parameters(config), config, options, options.UsePeft ? LoraParameters(config, options.LoraRank) : null);
        double training = (estimate.TotalBytes - estimate.RolloutCacheBytes) / GiB;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-40} training step {training,7:F1} GiB; + in-process rollout KV cache {estimate.RolloutCacheBytes / GiB,6:F1} GiB = {estimate.TotalBytes / GiB,7:F1} GiB  [{estimate}]"));
    }

    /// <summary>Parameters of a Qwen2/Llama decoder of this shape (q/k/v biases as Qwen2 has them).</summary>
    internal static long Parameters(ModelConfig c)
    {
        long h = c.HiddenSize, q = (long)c.NumAttentionHeads * c.HeadDim, kv = (long)c.NumKeyValueHeads * c.HeadDim;
        long attention = h * q + q + 2 * (h * kv + kv) + q * h;
        long mlp = 3 * h * c.IntermediateSize;
        long embeddings = (long)c.VocabSize * h * (c.TieWordEmbeddings ? 1 : 2);
        return embeddings + c.NumHiddenLayers * (attention + mlp + 2 * h) + h;
    }

    /// <summary>LoRA parameters of rank <paramref name="rank"/> on all seven projections: r × (in + out) each.</summary>
    internal static long LoraParameters(ModelConfig c, int rank)
    {
        long h = c.HiddenSize, q = (long)c.NumAttentionHeads * c.HeadDim, kv = (long)c.NumKeyValueHeads * c.HeadDim, i = c.IntermediateSize;
        long perLayer = (h + q) + 2 * (h + kv) + (q + h) + 2 * (h + i) + (i + h);
        return c.NumHiddenLayers * rank * perLayer;
    }
}
