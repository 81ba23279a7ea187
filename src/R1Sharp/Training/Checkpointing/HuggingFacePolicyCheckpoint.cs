using R1Sharp.Checkpoints;
using R1Sharp.Generation;
using R1Sharp.Models;
using static TorchSharp.torch;

namespace R1Sharp.Training.Checkpointing;

/// <summary>
/// Stores the policy as a Hugging Face checkpoint (config.json, model.safetensors, generation_config.json) so every
/// checkpoint of a run loads in transformers, vLLM or <c>r1</c> itself; float32 weights round-trip bit-exactly.
/// </summary>
/// <param name="model">The policy.</param>
/// <param name="generation">generation_config.json to write beside the weights (EOS ids, sampling defaults), or null.</param>
/// <param name="writeExtras">Writes tokenizer files etc. into the checkpoint directory, or null.</param>
public sealed class HuggingFacePolicyCheckpoint(CausalLanguageModel model, GenerationConfig? generation = null, Action<string>? writeExtras = null) : IPolicyCheckpoint
{
    /// <inheritdoc />
    public Task SaveAsync(string directory, CancellationToken cancellationToken)
    {
        HuggingFaceCheckpoint.Save(model, model.Config, directory, generation, cancellationToken: cancellationToken);
        writeExtras?.Invoke(directory);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Load(string directory)
    {
        var (stored, _) = HuggingFaceCheckpoint.Load(directory, model.Device, model.Dtype);
        using (stored)
        using (no_grad())
        {
            var source = stored.state_dict();
            // state_dict: the parameters and the persistent buffers (DeepSeek-V3's e_score_correction_bias moves in training).
            foreach (var (name, parameter) in model.state_dict())
            {
                if (!source.TryGetValue(name, out var value))
                    throw new InvalidDataException($"{directory}: the checkpoint has no tensor '{name}'.");
                parameter.copy_(value);
            }
        }
    }
}
