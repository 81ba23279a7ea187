using System.Text.Json;
using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Training.Checkpointing;

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

    /// <summary>File name of the task tokenizer's vocabulary written beside the weights.</summary>
    public const string VocabularyFileName = TaskTokenizer.VocabularyFileName;

    /// <summary>Hugging Face checkpoints of the built-in model, with its EOS in generation_config.json and its vocabulary beside it.</summary>
    public static HuggingFacePolicyCheckpoint Checkpoint(CausalLanguageModel model, TaskTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var generation = new GenerationConfig { EosTokenIds = tokenizer.EosIds, PadTokenId = tokenizer.PadId };
        return new HuggingFacePolicyCheckpoint(model, generation,
            dir => File.WriteAllText(Path.Combine(dir, VocabularyFileName), JsonSerializer.Serialize(tokenizer.Vocabulary)));
    }
}
