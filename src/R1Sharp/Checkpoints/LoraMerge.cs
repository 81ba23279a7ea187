using R1Sharp.Generation;
using R1Sharp.Models;
using TorchSharp;

namespace R1Sharp.Checkpoints;

/// <summary>
/// <c>r1 merge-lora</c>: base checkpoint + PEFT LoRA adapter -> a plain Hugging Face checkpoint with W' = W + scaling·B·A
/// in every adapted layer (PEFT's <c>merge_and_unload</c>), in the base's dtype, with the base's tokenizer files and
/// generation config, so transformers, vLLM, llama.cpp's converter and <c>r1</c> load it without PEFT.
/// </summary>
public static class LoraMerge
{
    /// <summary>Merges and writes the checkpoint (the output directory is replaced as a whole).</summary>
    /// <param name="baseDirectory">The base Hugging Face checkpoint the adapter was trained on.</param>
    /// <param name="adapterDirectory">The PEFT adapter folder (adapter_config.json, adapter_model.safetensors).</param>
    /// <param name="outputDirectory">Where the merged checkpoint goes.</param>
    /// <param name="cancellationToken">Checked between tensors while writing.</param>
    /// <returns>The adapted module paths and the merged model's config.</returns>
    /// <exception cref="InvalidDataException">An adapter that does not fit the base, named by field or tensor.</exception>
    public static (IReadOnlyList<string> AdaptedModules, ModelConfig Config) Run(string baseDirectory, string adapterDirectory, string outputDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseDirectory);
        ArgumentNullException.ThrowIfNull(adapterDirectory);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        if (Path.GetFullPath(baseDirectory).TrimEnd('/') == Path.GetFullPath(outputDirectory).TrimEnd('/'))
            throw new ArgumentException($"--output: {outputDirectory} is the base checkpoint; write the merged model elsewhere");
        PeftAdapterFiles.ReadOptions(adapterDirectory); // a bad adapter fails before the base is loaded
        var (model, config) = HuggingFaceCheckpoint.Load(baseDirectory, torch.CPU);
        using (model)
        {
            var lora = PeftAdapterFiles.Load(model, adapterDirectory);
            var adapted = lora.AdaptedModules;
            lora.MergeAndDetach();
            string generationPath = Path.Combine(baseDirectory, "generation_config.json");
            var generation = File.Exists(generationPath) ? GenerationConfig.Load(generationPath) : null;
            HuggingFaceCheckpoint.Save(model, config, outputDirectory, generation, cancellationToken: cancellationToken);
            TokenizerFiles.Copy(baseDirectory, outputDirectory);
            return (adapted, config);
        }
    }
}
