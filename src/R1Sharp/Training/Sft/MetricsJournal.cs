using System.Text.Json;
using System.Text.Json.Serialization;
using R1Sharp.IO;

namespace R1Sharp.Training.Sft;

/// <summary>
/// metrics.jsonl of a run: one JSON object per line, appended and flushed as steps finish so a killed run keeps
/// what it logged. On resume, lines logged after the checkpoint are removed (the steps will be redone), so the
/// file never holds two entries for one step.
/// </summary>
public sealed class MetricsJournal
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly string _path;

    /// <summary>Opens (creates) the journal at <paramref name="path"/>.</summary>
    public MetricsJournal(string path) => _path = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>The file.</summary>
    public string Path => _path;

    /// <summary>Drops entries after <paramref name="step"/> (all of them for 0).</summary>
    public async Task TruncateAfterAsync(int step, CancellationToken cancellationToken)
    {
        if (!File.Exists(_path)) return;
        var kept = new List<string>();
        foreach (var line in await File.ReadAllLinesAsync(_path, cancellationToken).ConfigureAwait(false))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.TryGetProperty("step", out var s) && s.GetInt32() <= step) kept.Add(line);
            }
            catch (JsonException)
            {
                // A line torn by a kill mid-write: drop it.
            }
        }
        await AtomicFile.WriteAllTextAsync(_path, kept.Count == 0 ? "" : string.Join('\n', kept) + "\n", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends one entry.</summary>
    public async Task AppendAsync(SftStepMetrics metrics, CancellationToken cancellationToken)
    {
        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path));
        if (directory is not null) Directory.CreateDirectory(directory);
        await File.AppendAllTextAsync(_path, JsonSerializer.Serialize(metrics, Json) + "\n", cancellationToken).ConfigureAwait(false);
    }
}
