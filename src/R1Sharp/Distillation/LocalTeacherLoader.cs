using R1Sharp.Checkpoints;
using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Text.Templates;
using R1Sharp.Training.Sft;
using TorchSharp;

namespace R1Sharp.Distillation;

/// <summary>
/// Opens a Hugging Face model directory as an in-process teacher, the one way <c>r1 sample --teacher-dir</c> and
/// <c>r1 distill</c> (a <c>model_dir</c> teacher or student) do it: the directory's tokenizer (the task tokenizer
/// for checkpoints of the built-in model), its chat template, and its weights.
/// </summary>
public static class LocalTeacherLoader
{
    /// <summary>
    /// Loads <paramref name="directory"/>. The prompt is rendered with the directory's chat template; without one, a
    /// checkpoint of the built-in model gets the R1-Zero template and any other model ChatML.
    /// </summary>
    /// <param name="directory">Model directory: config.json, safetensors, and tokenizer files or the built-in vocabulary file.</param>
    /// <param name="device">Where the model runs.</param>
    /// <returns>A teacher that owns the model: dispose it to free the weights.</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">The weights, config or tokenizer are missing.</exception>
    /// <exception cref="InvalidDataException">A file is invalid, or the weights do not match config.json.</exception>
    public static LocalModelTeacher Load(string directory, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(device);
        // Checked first so that a mistyped path is reported as such, not as a missing tokenizer file.
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"model directory '{directory}' does not exist");
        var tokenizer = ModelDirectoryTokenizer.Load(directory);
        var renderer = RendererFor(directory);
        var (model, _) = HuggingFaceCheckpoint.Load(directory, device);
        return new LocalModelTeacher(model, tokenizer, renderer, Path.GetFullPath(directory), ownsModel: true);
    }

    private static IConversationRenderer RendererFor(string directory)
    {
        try
        {
            return new ChatTemplateRenderer(ChatTemplate.Load(directory));
        }
        catch (FileNotFoundException)
        {
            // The built-in model has only ever seen the R1-Zero prompt; chat markup would be foreign text to it.
            return ModelDirectoryTokenizer.IsBuiltIn(directory) ? new ChatTemplateRenderer(ChatTemplate.BuiltIn("r1-zero")) : new ChatMarkupRenderer();
        }
    }
}
