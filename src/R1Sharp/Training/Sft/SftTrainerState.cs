using System.Text.Json;
using System.Text.Json.Serialization;
using R1Sharp.IO;

namespace R1Sharp.Training.Sft;

/// <summary>Where a run stands; saved in each checkpoint (trainer_state.json) so <c>--resume</c> continues exactly.</summary>
/// <param name="GlobalStep">Optimizer steps done.</param>
/// <param name="Epoch">0-based epoch in progress.</param>
/// <param name="BatchInEpoch">Micro-batches of that epoch already consumed.</param>
/// <param name="TotalSteps">Optimizer steps the run was planned for (the schedule depends on it).</param>
/// <param name="BestValidationLoss">Lowest validation loss seen, if any.</param>
public sealed record SftTrainerState(
    [property: JsonPropertyName("global_step")] int GlobalStep,
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("batch_in_epoch")] int BatchInEpoch,
    [property: JsonPropertyName("total_steps")] int TotalSteps,
    [property: JsonPropertyName("best_validation_loss")] double? BestValidationLoss)
{
    /// <summary>File name inside a checkpoint directory.</summary>
    public const string FileName = "trainer_state.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Writes the state atomically.</summary>
    public Task SaveAsync(string directory, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllTextAsync(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json), cancellationToken);

    /// <summary>Reads a checkpoint's state.</summary>
    /// <exception cref="InvalidDataException">The file is missing or malformed; the message names it.</exception>
    public static SftTrainerState Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: not found; is {directory} an SFT checkpoint?");
        try
        {
            return JsonSerializer.Deserialize<SftTrainerState>(File.ReadAllText(path))
                ?? throw new InvalidDataException($"{path}: empty trainer state");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: malformed trainer state: {e.Message}", e);
        }
    }
}
