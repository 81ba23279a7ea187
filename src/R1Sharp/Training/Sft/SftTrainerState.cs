using System.Text.Json.Serialization;
using R1Sharp.Training.Checkpointing;

namespace R1Sharp.Training.Sft;

/// <summary>Where a run stands; saved in each checkpoint (trainer_state.json) so <c>--resume</c> continues exactly.</summary>
/// <param name="Step">Optimizer steps done (<c>global_step</c>, as transformers names it).</param>
/// <param name="Epoch">0-based epoch in progress.</param>
/// <param name="BatchInEpoch">Micro-batches of that epoch already consumed.</param>
/// <param name="TotalSteps">Optimizer steps the run was planned for.</param>
/// <param name="BestValidationLoss">Lowest validation loss seen, if any.</param>
/// <param name="Settings">The settings that alter the run (see <see cref="RunSettings"/>); a resume refuses a change.</param>
/// <param name="NumTokens">Non-padding tokens trained on so far (TRL's <c>num_tokens</c>).</param>
public sealed record SftTrainerState(
    [property: JsonPropertyName("global_step")] int Step,
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("batch_in_epoch")] int BatchInEpoch,
    [property: JsonPropertyName("total_steps")] int TotalSteps,
    [property: JsonPropertyName("best_validation_loss")] double? BestValidationLoss,
    [property: JsonPropertyName("settings")] IReadOnlyDictionary<string, string>? Settings = null,
    [property: JsonPropertyName("num_tokens")] long NumTokens = 0) : ICheckpointState;
