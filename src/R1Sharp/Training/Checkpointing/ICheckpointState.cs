namespace R1Sharp.Training.Checkpointing;

/// <summary>
/// What <see cref="CheckpointStore{TState}"/> needs of a trainer's state: the optimizer step it belongs to (the
/// checkpoint's number) and the settings the run was started with, which a resume compares with its own.
/// </summary>
public interface ICheckpointState
{
    /// <summary>Optimizer steps completed when the checkpoint was written.</summary>
    int Step { get; }

    /// <summary>The settings that alter the run's trajectory (see <see cref="RunSettings"/>); null in checkpoints written before they were recorded.</summary>
    IReadOnlyDictionary<string, string>? Settings { get; }
}
