using R1Sharp.Training.Checkpointing;

namespace R1Sharp.Training.Zero;

/// <summary>Where and how <see cref="BasePretrainer"/> keeps its resumable checkpoints.</summary>
/// <param name="Store">The checkpoint directory (crash-safe, see <see cref="CheckpointStore{TState}"/>).</param>
/// <param name="Weights">Saves and loads the model being trained.</param>
/// <param name="Seed">The run's seed, recorded in every checkpoint.</param>
public sealed record PretrainCheckpoints(CheckpointStore<TrainerState> Store, IPolicyCheckpoint Weights, int Seed);
