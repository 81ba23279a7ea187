using R1Sharp.Models;
using R1Sharp.Tasks;

namespace R1Sharp.Training.Zero;

/// <summary>The configuration of the built-in base model: Qwen2-shaped, sized by <see cref="ZeroModelShape"/>, vocabulary of the task tokenizer.</summary>
public static class BuiltInModel
{
    /// <summary>A Hugging Face-compatible config for the shape.</summary>
    public static ModelConfig Config(ZeroModelShape shape, TaskTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new ModelConfig
        {
            ModelType = ModelConfig.Qwen2,
            VocabSize = tokenizer.VocabSize,
            HiddenSize = shape.Hidden,
            IntermediateSize = shape.Intermediate,
            NumHiddenLayers = shape.Layers,
            NumAttentionHeads = shape.Heads,
            NumKeyValueHeads = shape.KvHeads,
            MaxPositionEmbeddings = 512,
            TieWordEmbeddings = true,
            EosTokenIds = [TaskTokenizer.EndOfText],
            TorchDtype = "float32",
        };
    }
}
