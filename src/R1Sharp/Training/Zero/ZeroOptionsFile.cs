using System.Text.Json;

namespace R1Sharp.Training.Zero;

/// <summary>
/// <c>zero_config.json</c>: the settings of an <c>r1 zero</c> run (model shape, corpus, tasks, evaluation, GRPO),
/// written into its output directory so that later stages (<c>r1 distill-zero</c>) rebuild the same corpus and
/// held-out split instead of assuming today's defaults.
/// </summary>
public static class ZeroOptionsFile
{
    /// <summary>File name inside the run directory.</summary>
    public const string FileName = "zero_config.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Writes <paramref name="options"/> into <paramref name="runDirectory"/> (atomically).</summary>
    public static Task SaveAsync(ZeroOptions options, string runDirectory, CancellationToken cancellationToken) =>
        AtomicFile.WriteTextAsync(Path.Combine(runDirectory, FileName), JsonSerializer.Serialize(options, Json), cancellationToken);

    /// <summary>Reads the settings saved in <paramref name="runDirectory"/>; null when the run has none (older runs).</summary>
    /// <exception cref="InvalidDataException">The file exists but is not valid (the message names it).</exception>
    public static async Task<ZeroOptions?> LoadAsync(string runDirectory, CancellationToken cancellationToken)
    {
        string path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<ZeroOptions>(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), Json)
                ?? throw new InvalidDataException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid r1 zero settings ({e.Path}: {e.Message})", e);
        }
    }
}
