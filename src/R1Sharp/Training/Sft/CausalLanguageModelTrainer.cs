using R1Sharp.Checkpoints;
using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.Sft;

/// <summary>
/// Lets the SFT trainer train the library's <see cref="CausalLanguageModel"/> (Qwen2/Llama), packed sequences
/// included: the packed forward runs the model's own decoder with the batch's per-sample positions and its
/// block-diagonal mask. Saves Hugging Face checkpoints with the source model's tokenizer files alongside.
/// </summary>
public sealed class CausalLanguageModelTrainer : ISftModel
{
    // Files a user needs next to the weights to load the result in transformers, vLLM or r1 (the last is the
    // built-in model's vocabulary, its only tokenizer file).
    private static readonly string[] CompanionFiles =
        [.. TokenizerFiles.Names, "generation_config.json", Tasks.TaskTokenizer.VocabularyFileName];

    private readonly CausalLanguageModel _model;
    private readonly string? _sourceDirectory;
    private readonly DecoderStack _body;
    private readonly LinearProjection? _head;

    /// <summary>Wraps a model.</summary>
    /// <param name="model">The model to train (its parameters are updated in place).</param>
    /// <param name="sourceDirectory">Directory it was loaded from, whose tokenizer files are copied into every save; null for none.</param>
    public CausalLanguageModelTrainer(CausalLanguageModel model, string? sourceDirectory)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _sourceDirectory = sourceDirectory;
        var children = model.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        _body = children["model"] as DecoderStack ?? throw new ArgumentException("the model has no decoder stack named 'model'", nameof(model));
        _head = children.GetValueOrDefault("lm_head") as LinearProjection;
    }

    /// <summary>The wrapped model.</summary>
    public CausalLanguageModel Model => _model;

    /// <inheritdoc />
    public bool SupportsPacking => true;

    /// <inheritdoc />
    public nn.Module Module => _model;

    /// <inheritdoc />
    public Tensor Forward(SftBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        // The decoder takes the mask folded for grouped-query attention: query rows tiled once per head group.
        var mask = batch.AttentionMask.squeeze(1);
        int group = _model.Config.QueryGroupSize;
        if (group > 1) mask = mask.repeat(1, group, 1);
        var hidden = _body.Forward(batch.InputIds, batch.PositionIds, mask.unsqueeze(1), causal: false, cache: null);
        var logits = _head is null ? nn.functional.linear(hidden, _body.Embedding.Weight) : _head.forward(hidden);
        return logits.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Task SaveAsync(string directory, CancellationToken cancellationToken)
    {
        HuggingFaceCheckpoint.Save(_model, _model.Config, directory, cancellationToken: cancellationToken);
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
        var (loaded, _) = HuggingFaceCheckpoint.Load(directory, _model.Device, _model.Dtype);
        using (loaded)
        using (no_grad())
        {
            var source = loaded.state_dict();
            foreach (var (name, parameter) in _model.state_dict())
                parameter.copy_(source[name]);
        }
    }
}
