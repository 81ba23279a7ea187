using R1Sharp.Models;

namespace R1Sharp.Training.Checkpointing;

/// <summary>
/// Stores the policy's weights with TorchSharp's own state format plus its config.json. Used until the Hugging Face
/// safetensors checkpoint is available to the trainer; every tensor round-trips bit-exactly.
/// </summary>
/// <param name="model">The policy.</param>
public sealed class ModuleStatePolicyCheckpoint(CausalLanguageModel model) : IPolicyCheckpoint
{
    /// <summary>File name of the weights inside a checkpoint.</summary>
    public const string WeightsFileName = "model.torchsharp.bin";

    /// <inheritdoc />
    public Task SaveAsync(string directory, CancellationToken cancellationToken)
    {
        model.save(Path.Combine(directory, WeightsFileName));
        model.Config.Save(Path.Combine(directory, "config.json"));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Load(string directory)
    {
        string path = Path.Combine(directory, WeightsFileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"{directory}: no {WeightsFileName} in this checkpoint.", path);
        model.load(path, strict: true);
    }
}
