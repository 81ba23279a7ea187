using static TorchSharp.torch;

namespace R1Sharp.Checkpoints;

/// <summary>How <see cref="HuggingFaceCheckpoint.Save"/> writes weights.</summary>
public sealed record CheckpointSaveOptions
{
    /// <summary>
    /// Largest weight file; above it the weights are split into <c>model-0000i-of-0000n.safetensors</c> shards with a
    /// <c>model.safetensors.index.json</c> (default 5 GB, transformers' <c>save_pretrained(max_shard_size="5GB")</c>).
    /// A single tensor larger than this gets a shard of its own.
    /// </summary>
    public long MaxShardBytes { get; init; } = 5_000_000_000;

    /// <summary>dtype the weights are stored in (default null = the model's own dtype); config.json's torch_dtype follows it.</summary>
    public ScalarType? Dtype { get; init; }
}
