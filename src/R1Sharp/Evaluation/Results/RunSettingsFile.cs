using System.Text.Json;

using R1Sharp.IO;

namespace R1Sharp.Evaluation.Results;

/// <summary>Reads, compares and writes <c>run.json</c>.</summary>
internal static class RunSettingsFile
{
    public const string FileName = "run.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Writes the settings into a new directory, or checks that a resumed directory used the same ones.</summary>
    public static async Task CheckOrWriteAsync(string directory, RunSettings settings, CancellationToken cancellationToken)
    {
        string path = Path.Combine(directory, FileName);
        if (File.Exists(path))
        {
            RunSettings? previous;
            try
            {
                previous = JsonSerializer.Deserialize<RunSettings>(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), Json);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}: not a run settings file ({e.Message})", e);
            }
            if (previous is null) throw new InvalidDataException($"{path}: empty run settings file");
            var differences = settings.DifferencesFrom(previous);
            if (differences.Count > 0)
                throw new InvalidOperationException(
                    $"{directory} holds samples drawn with other settings ({string.Join("; ", differences)}); use a new output directory");
            return;
        }
        await AtomicFile.WriteAllTextAsync(path, JsonSerializer.Serialize(settings, Json), cancellationToken).ConfigureAwait(false);
    }
}
