using R1Sharp.Checkpoints;
using R1Sharp.Generation;
using R1Sharp.Models;

namespace R1Sharp.Bench;

/// <summary>
/// The small random Qwen2 the training benches share: Qwen2.5-0.5B-Instruct's config (its 151,936-token vocabulary, so
/// the embedding is most of the parameters), scaled to a few layers, 4 heads and 2 KV heads, with Qwen2.5's tokenizer.
/// </summary>
internal static class RandomQwenCheckpoint
{
    /// <summary>Qwen2.5-0.5B-Instruct's config scaled to <paramref name="layers"/>, <paramref name="hidden"/> and <paramref name="intermediate"/>.</summary>
    public static ModelConfig Config(int layers, int hidden, int intermediate) =>
        ModelConfig.Load(Path.Combine(GenerationThroughput.SharedDataDir(), "hf", "Qwen2.5-0.5B-Instruct", "config.json"))
            .Scaled(layers: layers, hidden: hidden, heads: 4, kvHeads: 2, intermediate: intermediate);

    /// <summary>Writes a float32 checkpoint of <see cref="Config"/> with random weights (seed 0) and Qwen2.5's tokenizer
    /// into <paramref name="directory"/>; returns its config.</summary>
    public static ModelConfig Write(string directory, int layers, int hidden, int intermediate)
    {
        var config = Config(layers, hidden, intermediate);
        string tokenizer = Path.Combine(GenerationThroughput.SharedDataDir(), "hf", "Qwen2.5-7B-Instruct");
        RandomCheckpoint.Write(config, directory, "f32", 0, GenerationConfig.Load(Path.Combine(tokenizer, "generation_config.json")), tokenizer);
        return config;
    }
}
