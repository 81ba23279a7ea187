using R1Sharp.Generation;
using R1Sharp.Models;
using TorchSharp;

namespace R1Sharp.Checkpoints;

/// <summary>
/// Writes a Hugging Face checkpoint of random weights with a given shape (<c>r1 new-model</c>). Weights cannot be
/// downloaded in many setups; a random model of the real architecture still exercises every code path — loading,
/// sampling, training, export — with the real tokenizer when its files sit beside the source config.
/// </summary>
public static class RandomCheckpoint
{
    /// <summary>
    /// Creates a model of <paramref name="config"/> with weights drawn from <paramref name="seed"/>, stores it as
    /// <paramref name="dtypeName"/> (f32, bf16 or f16) in <paramref name="outputDirectory"/> with
    /// <paramref name="generation"/>, and copies the tokenizer files found in <paramref name="tokenizerDirectory"/>.
    /// </summary>
    /// <returns>The model's parameter count and how many tokenizer files were copied.</returns>
    /// <exception cref="ArgumentException">Unknown dtype name.</exception>
    public static (long Parameters, int TokenizerFiles) Write(ModelConfig config, string outputDirectory, string dtypeName, long seed,
        GenerationConfig generation, string tokenizerDirectory)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        ArgumentNullException.ThrowIfNull(generation);
        ArgumentNullException.ThrowIfNull(tokenizerDirectory);
        var dtype = DeviceSelection.ParseDtype(dtypeName);
        using var model = CausalLanguageModel.Create(config, torch.CPU, dtype, seed);
        HuggingFaceCheckpoint.Save(model, config, outputDirectory, generation);
        int copied = TokenizerFiles.Copy(tokenizerDirectory, outputDirectory);
        return (model.ParameterCount, copied);
    }
}
