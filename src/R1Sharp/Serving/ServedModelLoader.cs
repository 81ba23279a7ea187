using R1Sharp.Checkpoints;
using R1Sharp.Models;
using R1Sharp.Serving.Engine;
using R1Sharp.Text.Templates;
using R1Sharp.Text.Tokenization;
using TorchSharp;

namespace R1Sharp.Serving;

/// <summary>Loads a Hugging Face model directory (weights, tokenizer, chat template) into a <see cref="ServedModel"/>.</summary>
public static class ServedModelLoader
{
    /// <summary>Loads <paramref name="directory"/> and starts its engine; reloads keep the device and dtype.</summary>
    /// <exception cref="FileNotFoundException">A required file is missing (named in the message).</exception>
    public static ServedModel Load(string directory, torch.Device device, torch.ScalarType? dtype, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (model, _) = HuggingFaceCheckpoint.Load(directory, device, dtype);
        model.eval();
        var tokenizer = HuggingFaceTokenizer.Load(directory);
        IChatPromptFormatter? formatter = HasChatTemplate(directory) ? new ChatTemplateFormatter(ChatTemplate.Load(directory)) : null;
        var engine = new ContinuousBatchingEngine(model, options.MaxBatch, options.MaxQueue, options.ContextLength);
        return new ServedModel(options.ModelName, engine, tokenizer, formatter, dir =>
        {
            var (reloaded, _) = HuggingFaceCheckpoint.Load(dir, device, dtype);
            reloaded.eval();
            return reloaded;
        });
    }

    private static bool HasChatTemplate(string directory)
    {
        if (File.Exists(Path.Combine(directory, "chat_template.jinja"))) return true;
        try
        {
            return Text.TokenizerConfig.Load(directory).ChatTemplate is not null;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }
}
