using R1Sharp.Training.LanguageModeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Training.Sft;

/// <summary>
/// What the SFT trainer needs of a causal language model: a forward pass over a batch and its trainable
/// parameters and weights. Adapters wrap the library's model (and test models) so the trainer does not depend on
/// one model class.
/// </summary>
public interface ISftModel
{
    /// <summary>True when <see cref="Forward"/> honours <see cref="TokenBatch.PositionIds"/> and the 4-D
    /// <see cref="TokenBatch.AttentionMask"/>, which <see cref="SequenceLayout.Packed"/> needs.</summary>
    bool SupportsPacking { get; }

    /// <summary>The module whose parameters are trained and whose state is saved.</summary>
    nn.Module Module { get; }

    /// <summary>Logits [B, T, V] for the batch.</summary>
    Tensor Forward(TokenBatch batch);

    /// <summary>
    /// The summed cross-entropy of the batch's target tokens. A model may compute it from hidden states
    /// <paramref name="chunkSize"/> positions at a time so the [B, T, V] logits never exist; by default it is taken
    /// from <see cref="Forward"/>'s full logits.
    /// </summary>
    /// <param name="batch">The batch.</param>
    /// <param name="chunkSize">Positions projected to the vocabulary at once; 0 = full logits.</param>
    Tensor TokenLossSum(TokenBatch batch, int chunkSize) => CrossEntropyStep.TokenLossSum(Forward(batch), batch.Labels);

    /// <summary>The bf16 compute copy when training in mixed precision (then <see cref="Module"/> is that copy, and
    /// <see cref="TrainableParameters"/> the float32 masters); null otherwise.</summary>
    MixedPrecisionModel? MixedPrecision => null;

    /// <summary>Trainable parameters.</summary>
    IEnumerable<Parameter> TrainableParameters() => Module.parameters().Where(p => p.requires_grad);

    /// <summary>Writes the weights where a user loads them from (a Hugging Face directory for real models).</summary>
    Task SaveAsync(string directory, CancellationToken cancellationToken);

    /// <summary>Restores weights written by <see cref="SaveAsync"/> (used by <c>--resume</c>).</summary>
    void Load(string directory);
}
