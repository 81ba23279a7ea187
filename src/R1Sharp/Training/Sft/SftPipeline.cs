using R1Sharp.Checkpoints;
using R1Sharp.Distributed;
using R1Sharp.Models;
using R1Sharp.Models.Lora;
using R1Sharp.Tasks;
using R1Sharp.Text;
using R1Sharp.Text.Templates;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.DataParallel;
using R1Sharp.Training.LanguageModeling;
using R1Sharp.IO;

namespace R1Sharp.Training.Sft;

/// <summary>
/// The whole of <c>r1 sft</c> as a library call: load the checkpoint, tokenizer and chat template, read and mask
/// the data, train, and save a Hugging Face checkpoint. <c>r1 distill</c> calls it for the student.
/// </summary>
public static class SftPipeline
{
    /// <summary>Runs SFT.</summary>
    /// <param name="request">Model, data and settings.</param>
    /// <param name="status">Receives one line per phase (loading, tokenizing, data statistics).</param>
    /// <param name="progress">Receives every optimizer step.</param>
    /// <param name="cancellationToken">Stops training (the last checkpoint stays usable for <c>--resume</c>).</param>
    public static async Task<SftRunResult> RunAsync(SftRunRequest request, Action<string>? status = null,
        IProgress<SftProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Training.Validate();
        // Under mpirun/srun every rank runs this code (issue 17): rank 0 alone owns the run folder and reports.
        var ranks = CollectiveBackends.Create();
        if (ranks.Rank > 0) (status, progress) = (null, null);
        status ??= _ => { };
        if (request.ResumeFrom is not null && request.Overwrite)
            throw new ConfigurationException("--resume and --overwrite contradict each other: resume continues the run in the folder, overwrite deletes it.");
        // Before anything is loaded, so a refused start costs nothing.
        using var runLock = ranks.Rank == 0 ? RunDirectoryLock.Acquire(request.Training.OutputDirectory) : null;
        if (request.ResumeFrom is null && ranks.Rank == 0) FreshStart.Prepare(request.Training.OutputDirectory, request.Overwrite);
        ranks.Barrier();
        // "cuda" without an index: each rank of a node takes its own GPU.
        var device = DeviceSelection.Parse(ranks.Size > 1 && request.Device == "cuda" ? $"cuda:{CollectiveBackends.LocalRank}" : request.Device);
        var dtype = request.Dtype is null ? (TorchSharp.torch.ScalarType?)null : DeviceSelection.ParseDtype(request.Dtype);
        if (request.Training.Bf16)
        {
            // Mixed precision keeps float32 masters whatever the checkpoint stores; pure bf16 is the other choice.
            if (dtype is { } chosen && chosen != TorchSharp.torch.ScalarType.Float32)
                throw new ConfigurationException($"bf16: true needs float32 master weights, but --dtype is {request.Dtype}: use one of bf16 (mixed precision) or --dtype bf16 (pure bf16 training)");
            dtype = TorchSharp.torch.ScalarType.Float32;
        }

        status($"loading {request.ModelDirectory}");
        var tokenizer = ModelDirectoryTokenizer.Load(request.ModelDirectory);
        var renderer = ChooseRenderer(request.ModelDirectory, request.Template, out string templateName);
        var reader = new ConversationReader(request.ColdStart);
        var conversations = await reader.ReadFileAsync(request.DataPath, cancellationToken).ConfigureAwait(false);
        var validation = request.ValidationPath is null ? null : await reader.ReadFileAsync(request.ValidationPath, cancellationToken).ConfigureAwait(false);
        status($"tokenizing {conversations.Count} conversations with the {templateName} template");
        var data = SftDataset.Build(conversations, new AssistantLossMask(tokenizer, renderer), request.Training, validation, cancellationToken);
        status($"{data.Train.Count} training / {data.Validation.Count} validation samples, " +
               $"{data.Train.Sum(s => (long)s.Length):N0} tokens ({data.Train.Sum(s => (long)s.TrainableCount):N0} trained); " +
               $"{data.Truncated} truncated, {data.Dropped} dropped");

        var (model, _) = HuggingFaceCheckpoint.Load(request.ModelDirectory, device, dtype);
        using (model)
        {
            if (tokenizer.VocabSize > model.Config.VocabSize)
                throw new InvalidDataException($"{request.ModelDirectory}: the tokenizer has {tokenizer.VocabSize} ids but the model's vocab_size is {model.Config.VocabSize}");
            model.train();
            using var lora = request.Training.Lora is { } loraOptions ? LoraModel.Attach(model, loraOptions, StableSeed.Derive(request.Training.Seed, 0x10A4)) : null;
            using var mixed = request.Training.Bf16 ? new MixedPrecisionModel(model) : null;
            var trainer = new SftTrainer(new CausalLanguageModelTrainer(model, request.ModelDirectory, lora, mixed), data, request.Training, tokenizer.PadId, device, ranks);
            RankAgreement.ThrowIfSettingsDiffer(ranks, new Dictionary<string, string>(trainer.Settings()) { ["template"] = templateName, ["validation_samples"] = $"{data.Validation.Count}" });
            status(lora is null
                ? $"training {model.ParameterCount:N0} parameters for {trainer.TotalSteps} steps ({request.Training.Layout} layout) on {device}"
                : $"training {lora.ParameterCount:N0} LoRA parameters (r={lora.Options.Rank} on {lora.AdaptedModules.Count} layers; base of {model.ParameterCount:N0} frozen) for {trainer.TotalSteps} steps ({request.Training.Layout} layout) on {device}");
            return await trainer.TrainAsync(request.ResumeFrom, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The renderer for <paramref name="choice"/> (see <see cref="SftTemplateChoice"/>).</summary>
    public static IConversationRenderer ChooseRenderer(string modelDirectory, SftTemplateChoice choice, out string name)
    {
        switch (choice)
        {
            case SftTemplateChoice.ChatMarkup:
                name = "chatml";
                return new ChatMarkupRenderer();
            case SftTemplateChoice.DeepSeekR1:
                name = "deepseek-r1";
                return new DeepSeekR1Renderer();
            case SftTemplateChoice.Model:
                name = "model's";
                return new ChatTemplateRenderer(ChatTemplate.Load(modelDirectory));
            default:
                ChatTemplate template;
                try
                {
                    template = ChatTemplate.Load(modelDirectory);
                }
                catch (FileNotFoundException) when (ModelDirectoryTokenizer.IsBuiltIn(modelDirectory))
                {
                    // The built-in model (r1 zero) was pre-trained on the R1-Zero prompt only.
                    name = "r1-zero (the built-in model's prompt)";
                    return new ChatTemplateRenderer(ChatTemplate.BuiltIn("r1-zero"));
                }
                catch (FileNotFoundException)
                {
                    name = "chatml (the model has no chat template)";
                    return new ChatMarkupRenderer();
                }
                if (template.Source.Contains(DeepSeekR1Renderer.AssistantTag, StringComparison.Ordinal))
                {
                    name = "deepseek-r1 (training form of the model's R1 template)";
                    return new DeepSeekR1Renderer();
                }
                name = "model's";
                return new ChatTemplateRenderer(template);
        }
    }
}
