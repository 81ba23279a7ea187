using R1Sharp.Models;
using TorchSharp;

namespace R1Sharp.Checkpoints;

/// <summary>
/// A Hugging Face base checkpoint with a PEFT LoRA adapter attached and left unmerged (<c>r1 serve --lora</c>,
/// <c>r1 eval --checkpoint --lora</c>): every adapted projection computes W·x + scaling·B·A·x, so the outputs are the
/// adapted model's exactly (the update is computed in float32 whatever the base dtype); nothing is written to disk (use
/// <c>r1 merge-lora</c> for a standalone checkpoint).
/// </summary>
public static class AdaptedCheckpoint
{
    /// <summary>Loads <paramref name="baseDirectory"/> and, when <paramref name="adapterDirectory"/> is given, attaches its adapter.</summary>
    /// <param name="baseDirectory">The base model the adapter was trained on.</param>
    /// <param name="adapterDirectory">A PEFT adapter folder (adapter_config.json + adapter_model.safetensors), or null for the base alone.</param>
    /// <param name="device">Where the model runs.</param>
    /// <param name="dtype">The base weights' dtype; null keeps config.json's.</param>
    /// <returns>The model in evaluation mode (adapter dropout off).</returns>
    /// <exception cref="InvalidDataException">The adapter does not fit the base; the message names the field or tensor.</exception>
    /// <exception cref="FileNotFoundException">The adapter folder has no adapter_config.json or weights.</exception>
    public static CausalLanguageModel Load(string baseDirectory, string? adapterDirectory, torch.Device device, torch.ScalarType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(baseDirectory);
        if (adapterDirectory is not null && !PeftAdapterFiles.Exists(adapterDirectory))
            throw new FileNotFoundException($"--lora: {adapterDirectory} is not a PEFT adapter folder (no adapter_config.json)", Path.Combine(adapterDirectory, "adapter_config.json"));
        if (adapterDirectory is not null) PeftAdapterFiles.ReadOptions(adapterDirectory); // a bad adapter fails before the base loads
        var (model, _) = HuggingFaceCheckpoint.Load(baseDirectory, device, dtype);
        try
        {
            if (adapterDirectory is not null) PeftAdapterFiles.Load(model, adapterDirectory);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
