using R1Sharp.Checkpoints;
using R1Sharp.Models;
using R1Sharp.Text.Templates;
using R1Sharp.Text.Tokenization;
using TorchSharp;

namespace R1Sharp.Gguf;

/// <summary>
/// `r1 export-gguf` as a library call: a Hugging Face checkpoint directory (weights, tokenizer, chat template when it
/// has one) to one GGUF file. The weights load in fp32 on the CPU, since export only reads them once.
/// </summary>
public static class GgufCheckpointExport
{
    /// <summary>Exports <paramref name="modelDirectory"/> to <paramref name="outputPath"/> and returns the model's config.</summary>
    /// <param name="modelDirectory">Checkpoint directory (config.json, *.safetensors, tokenizer files).</param>
    /// <param name="outputPath">GGUF file to write (temporary file, then rename).</param>
    /// <param name="type">Weight type in the file.</param>
    /// <param name="progress">Tensors written so far, and their total.</param>
    /// <param name="cancellationToken">Checked between tensors.</param>
    /// <exception cref="NotSupportedException">The architecture or the tokenizer has no GGUF equivalent.</exception>
    public static ModelConfig Export(string modelDirectory, string outputPath, GgufTensorType type,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        var tokenizer = HuggingFaceTokenizer.Load(modelDirectory);
        var (model, config) = HuggingFaceCheckpoint.Load(modelDirectory, torch.CPU, torch.ScalarType.Float32);
        using (model)
        {
            var options = new GgufExportOptions
            {
                Type = type,
                Name = Path.GetFileName(Path.GetFullPath(modelDirectory).TrimEnd('/')),
                ChatTemplate = ChatTemplateOrNull(modelDirectory),
            };
            GgufExporter.Export(model, tokenizer, outputPath, options, progress, cancellationToken);
        }
        return config;
    }

    // A base model without a chat template exports without one.
    private static string? ChatTemplateOrNull(string modelDirectory)
    {
        try
        {
            return ChatTemplate.Load(modelDirectory).Source;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
