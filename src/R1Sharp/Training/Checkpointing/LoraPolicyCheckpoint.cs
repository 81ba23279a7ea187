using R1Sharp.Checkpoints;
using R1Sharp.Models.Lora;

namespace R1Sharp.Training.Checkpointing;

/// <summary>
/// Stores only the LoRA adapter of a policy (PEFT's <c>adapter_config.json</c> + <c>adapter_model.safetensors</c>),
/// so a checkpoint is megabytes, loads in PEFT and vLLM beside the base model, and a resume restores the adapter
/// exactly (float32, bit for bit). The frozen base is not written: it is the run's starting checkpoint.
/// </summary>
/// <param name="lora">The adapters being trained.</param>
/// <param name="baseModelNameOrPath">The base checkpoint, recorded as PEFT's <c>base_model_name_or_path</c>.</param>
/// <param name="writeExtras">Writes tokenizer files etc. into the checkpoint directory, or null.</param>
public sealed class LoraPolicyCheckpoint(LoraModel lora, string? baseModelNameOrPath, Action<string>? writeExtras = null) : IPolicyCheckpoint
{
    /// <inheritdoc />
    public Task SaveAsync(string directory, CancellationToken cancellationToken)
    {
        PeftAdapterFiles.Save(lora, directory, baseModelNameOrPath, cancellationToken);
        writeExtras?.Invoke(directory);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Load(string directory) => PeftAdapterFiles.ReadWeightsInto(lora, directory);
}
