using R1Sharp.Checkpoints;
using R1Sharp.Models;
using R1Sharp.Serving.Engine;
using R1Sharp.Tasks;
using R1Sharp.Text.Templates;
using R1Sharp.Text.Tokenization;
using TorchSharp;

namespace R1Sharp.Serving;

/// <summary>Loads a Hugging Face model directory (weights, tokenizer, chat template) into a <see cref="ServedModel"/>.</summary>
public static class ServedModelLoader
{
    /// <summary>
    /// Loads <paramref name="directory"/> (with the LoRA adapter in <paramref name="loraDirectory"/> attached, unmerged,
    /// when given) and starts its engine. A reload (POST /v1/reload) keeps the device and dtype; it takes either a full
    /// checkpoint or a PEFT adapter folder, which is attached to a fresh copy of <paramref name="directory"/>'s weights:
    /// how a GRPO run with LoRA pushes only its adapters.
    /// </summary>
    /// <exception cref="FileNotFoundException">A required file is missing (named in the message).</exception>
    /// <exception cref="InvalidDataException">The adapter does not fit the base (field or tensor named).</exception>
    public static ServedModel Load(string directory, torch.Device device, torch.ScalarType? dtype, ServeOptions options, string? loraDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Checkpoints of the built-in model (r1 zero, also with --tools' extended vocabulary, issue 20) carry the task
        // tokenizer's vocabulary instead of tokenizer.json, and are prompted with the R1-Zero template they were trained under.
        var tokenizer = ModelDirectoryTokenizer.Load(directory);
        IChatPromptFormatter? formatter = HasChatTemplate(directory) ? new ChatTemplateFormatter(ModelDirectoryTokenizer.LoadTemplate(directory)) : null;
        var model = AdaptedCheckpoint.Load(directory, loraDirectory, device, dtype);
        try
        {
            ModelDirectoryTokenizer.CheckFitsModel(directory, tokenizer, model.Config.VocabSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        var engine = new ContinuousBatchingEngine(model, options.MaxBatch, options.MaxQueue, options.ContextLength);
        return new ServedModel(options.ModelName, engine, tokenizer, formatter, dir => PeftAdapterFiles.Exists(dir)
            ? AdaptedCheckpoint.Load(directory, dir, device, dtype)
            : AdaptedCheckpoint.Load(dir, null, device, dtype));
    }

    private static bool HasChatTemplate(string directory)
    {
        if (ModelDirectoryTokenizer.IsBuiltIn(directory) || File.Exists(Path.Combine(directory, "chat_template.jinja"))) return true;
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
