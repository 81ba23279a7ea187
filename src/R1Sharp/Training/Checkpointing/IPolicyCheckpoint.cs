namespace R1Sharp.Training.Checkpointing;

/// <summary>Writes and restores the trained model's weights (and whatever else makes it loadable: config, tokenizer files) inside a checkpoint directory.</summary>
public interface IPolicyCheckpoint
{
    /// <summary>Writes the current weights into <paramref name="directory"/>.</summary>
    Task SaveAsync(string directory, CancellationToken cancellationToken);

    /// <summary>Replaces the current weights with those stored in <paramref name="directory"/>.</summary>
    void Load(string directory);
}
