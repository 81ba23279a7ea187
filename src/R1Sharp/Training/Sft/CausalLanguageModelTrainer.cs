using R1Sharp.Checkpoints;
using R1Sharp.Models;
using R1Sharp.Models.Lora;
using R1Sharp.Training.LanguageModeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Training.Sft;

/// <summary>
/// Lets the SFT trainer train the library's <see cref="CausalLanguageModel"/> (Qwen2/Llama), packed sequences
/// included (see <see cref="PackedCausalForward"/>). Saves Hugging Face checkpoints with the source model's tokenizer files alongside;
/// with LoRA adapters attached, only the adapters train and saves are PEFT adapter folders (docs/lora.md).
/// </summary>
public sealed class CausalLanguageModelTrainer : ISftModel
{
    // Files a user needs next to the weights to load the result in transformers, vLLM or r1 (the last is the
    // built-in model's vocabulary, its only tokenizer file).
    private static readonly string[] CompanionFiles =
        [.. TokenizerFiles.Names, "generation_config.json", Tasks.TaskTokenizer.VocabularyFileName];

    private readonly CausalLanguageModel _model;
    private readonly string? _sourceDirectory;
    private readonly PackedCausalForward _forward;
    private readonly LoraModel? _lora;
    private readonly MixedPrecisionModel? _mixed;

    /// <summary>Wraps a model.</summary>
    /// <param name="model">The model to train (its parameters are updated in place).</param>
    /// <param name="sourceDirectory">Directory it was loaded from, whose tokenizer files are copied into every save; null for none.</param>
    /// <param name="lora">LoRA adapters attached to <paramref name="model"/>: then only they train, and saves write them in PEFT's format.</param>
    /// <param name="mixed">bf16 mixed precision over <paramref name="model"/> as master: forward and backward run on its bf16
    /// copy; <paramref name="model"/> is what the optimizer steps and checkpoints save.</param>
    public CausalLanguageModelTrainer(CausalLanguageModel model, string? sourceDirectory, LoraModel? lora = null, MixedPrecisionModel? mixed = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        if (lora is not null && !ReferenceEquals(lora.Model, model)) throw new ArgumentException("the LoRA adapters belong to another model", nameof(lora));
        if (mixed is not null && !ReferenceEquals(mixed.Master, model)) throw new ArgumentException("the mixed-precision copy belongs to another model", nameof(mixed));
        if (mixed is not null && lora is not null) throw new NotSupportedException("bf16 mixed precision with LoRA adapters (bf16 with use_peft) is not supported");
        _sourceDirectory = sourceDirectory;
        _forward = new PackedCausalForward(mixed?.Compute ?? model);
        _lora = lora;
        _mixed = mixed;
    }

    /// <summary>The wrapped model.</summary>
    public CausalLanguageModel Model => _model;

    /// <inheritdoc />
    public bool SupportsPacking => true;

    /// <inheritdoc />
    public nn.Module Module => _mixed?.Compute ?? _model;

    /// <inheritdoc />
    public MixedPrecisionModel? MixedPrecision => _mixed;

    /// <inheritdoc />
    public Tensor Forward(TokenBatch batch) => _forward.Logits(batch);

    /// <inheritdoc />
    public Tensor TokenLossSum(TokenBatch batch, int chunkSize) =>
        chunkSize > 0 ? _forward.TokenLossSum(batch, chunkSize) : CrossEntropyStep.TokenLossSum(_forward.Logits(batch), batch.Labels);

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters() => LoraModel.TrainableParameters(_model);

    /// <inheritdoc />
    public Task SaveAsync(string directory, CancellationToken cancellationToken)
    {
        if (_lora is not null) PeftAdapterFiles.Save(_lora, directory, _sourceDirectory, cancellationToken);
        else HuggingFaceCheckpoint.Save(_model, _model.Config, directory, cancellationToken: cancellationToken);
        if (_sourceDirectory is not null)
        {
            foreach (var name in CompanionFiles)
            {
                string source = Path.Combine(_sourceDirectory, name);
                string target = Path.Combine(directory, name);
                if (File.Exists(source) && !File.Exists(target)) File.Copy(source, target);
            }
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Load(string directory)
    {
        if (_lora is not null)
        {
            PeftAdapterFiles.ReadWeightsInto(_lora, directory);
            return;
        }
        var (loaded, _) = HuggingFaceCheckpoint.Load(directory, _model.Device, _model.Dtype);
        using (loaded)
        using (no_grad())
        {
            var source = loaded.state_dict();
            foreach (var (name, parameter) in _model.state_dict())
                parameter.copy_(source[name]);
        }
        _mixed?.CopyMasterToCompute();
    }
}
