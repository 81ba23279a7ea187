using R1Sharp.IO;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace R1Sharp.Training.Metrics;

/// <summary>
/// Writes each step's metrics to <c>metrics.jsonl</c> (one JSON object per line, flushed per step) and to a
/// TensorBoard event file in the same directory. On resume the logs are first cut back to the checkpoint's step,
/// so steps logged after the last checkpoint by a killed run are not duplicated: the curve simply continues.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    /// <summary>File name of the JSON-lines log.</summary>
    public const string JsonlFileName = "metrics.jsonl";

    private readonly StreamWriter _jsonl;
    private readonly FileStream _events;

    /// <summary>Opens the logs in <paramref name="directory"/>.</summary>
    /// <param name="directory">Run output directory.</param>
    /// <param name="resumeAfterStep">Null for a fresh run (old logs are replaced); else keep entries up to and including this step.</param>
    public MetricsLog(string directory, long? resumeAfterStep)
    {
        Directory.CreateDirectory(directory);
        string jsonlPath = Path.Combine(directory, JsonlFileName);
        var kept = resumeAfterStep is long last && File.Exists(jsonlPath)
            ? ReadJsonl(jsonlPath).Where(m => m.Step <= last).ToList()
            : [];
        var keptEvents = resumeAfterStep is long lastEvent
            ? Directory.GetFiles(directory, "events.out.tfevents.*").SelectMany(SafeRead).Where(e => e.Step <= lastEvent).ToList()
            : [];

        // Rewrite the kept JSONL atomically, then append to it.
        AtomicFile.Write(jsonlPath, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            foreach (var line in kept) writer.WriteLine(ToJson(line));
        });
        _jsonl = new StreamWriter(new FileStream(jsonlPath, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));

        // The kept events go into a new file (TensorBoard reads every events file of a folder), then the old ones go.
        string eventsPath = TensorBoardEventFile.NewFileName(directory);
        AtomicFile.Write(eventsPath, f =>
        {
            f.Write(TensorBoardEventFile.VersionRecord(Now()));
            foreach (var group in keptEvents.GroupBy(e => (e.Step, e.WallTime)))
                f.Write(TensorBoardEventFile.ScalarsRecord(group.Key.Step, group.Key.WallTime,
                    group.Select(e => KeyValuePair.Create(e.Tag, (double)e.Value))));
        });
        foreach (var old in Directory.GetFiles(directory, "events.out.tfevents.*").Where(p => p != eventsPath && !AtomicFile.IsTemporaryName(Path.GetFileName(p))))
            File.Delete(old);
        _events = new FileStream(eventsPath, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    /// <summary>Appends one step to both logs and flushes them.</summary>
    public void Write(StepMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _jsonl.WriteLine(ToJson(metrics));
        _jsonl.Flush();
        _events.Write(TensorBoardEventFile.ScalarsRecord(metrics.Step, Now(), metrics.Values.Where(v => double.IsFinite(v.Value))));
        _events.Flush();
    }

    /// <summary>Reads a metrics.jsonl file; a torn last line (the process was killed mid-write) is ignored.</summary>
    public static IReadOnlyList<StepMetrics> ReadJsonl(string path)
    {
        var result = new List<StepMetrics>();
        foreach (string line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                long step = doc.RootElement.GetProperty("step").GetInt64();
                var values = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var p in doc.RootElement.EnumerateObject())
                    if (p.Name != "step" && p.Value.ValueKind == JsonValueKind.Number) values[p.Name] = p.Value.GetDouble();
                result.Add(new StepMetrics(step, values));
            }
            catch (JsonException) { }
            catch (KeyNotFoundException) { }
        }
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _jsonl.Dispose();
        _events.Dispose();
    }

    private static string ToJson(StepMetrics m)
    {
        var text = new StringBuilder("{\"step\":").Append(m.Step.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, value) in m.Values)
        {
            text.Append(',').Append(JsonSerializer.Serialize(key)).Append(':');
            // R format: the exact double round-trips, so a resumed run's metrics compare exactly with an uninterrupted run's.
            text.Append(double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "null");
        }
        return text.Append('}').ToString();
    }

    private static IEnumerable<ScalarEvent> SafeRead(string path)
    {
        try { return TensorBoardEventFile.ReadScalars(path); }
        catch (InvalidDataException) { return []; } // a torn tail from a killed run: the JSONL log still has the steps
    }

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
}
