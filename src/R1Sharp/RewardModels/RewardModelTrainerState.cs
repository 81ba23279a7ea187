using System.Text.Json.Serialization;
using R1Sharp.Training.Checkpointing;

namespace R1Sharp.RewardModels;

/// <summary>Where a reward-model run stands; saved in each checkpoint (trainer_state.json) so <c>--resume</c> continues exactly.</summary>
/// <param name="Step">Optimizer steps done.</param>
/// <param name="Epoch">0-based epoch in progress.</param>
/// <param name="BatchInEpoch">Micro-batches of that epoch already consumed.</param>
/// <param name="TotalSteps">Optimizer steps the run was planned for.</param>
/// <param name="InitialAccuracy">Held-out accuracy before the first step (null without a held-out split).</param>
/// <param name="Settings">The settings that alter the run; a resume refuses a change.</param>
public sealed record RewardModelTrainerState(
    [property: JsonPropertyName("global_step")] int Step,
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("batch_in_epoch")] int BatchInEpoch,
    [property: JsonPropertyName("total_steps")] int TotalSteps,
    [property: JsonPropertyName("initial_accuracy")] double? InitialAccuracy,
    [property: JsonPropertyName("settings")] IReadOnlyDictionary<string, string>? Settings = null) : ICheckpointState;
