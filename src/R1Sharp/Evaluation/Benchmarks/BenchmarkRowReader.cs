using System.Runtime.CompilerServices;
using System.Text.Json;

namespace R1Sharp.Evaluation.Benchmarks;

/// <summary>
/// Reads the records of a benchmark file: JSONL (one object per line, blank lines skipped) or a JSON array of
/// objects (<c>.json</c>). Every record is validated as a JSON object before use; a bad one fails with its line.
/// </summary>
public static class BenchmarkRowReader
{
    /// <summary>Streams the records of <paramref name="path"/>.</summary>
    /// <exception cref="BenchmarkFormatException">The file is missing or a record is not a JSON object.</exception>
    public static async IAsyncEnumerable<BenchmarkRow> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) throw new BenchmarkFormatException(path, 0, "file not found");
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var row in await ReadJsonArrayAsync(path, cancellationToken).ConfigureAwait(false))
                yield return row;
            yield break;
        }
        if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            throw new BenchmarkFormatException(path, 0, "Parquet is read through R1Sharp.Data once it is available; convert to JSONL for now");

        using var reader = new StreamReader(path);
        int lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return new BenchmarkRow(lineNumber, ParseObject(path, lineNumber, line));
        }
    }

    private static Dictionary<string, JsonElement> ParseObject(string path, int line, string json)
    {
        JsonElement element;
        try
        {
            using var document = JsonDocument.Parse(json);
            element = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new BenchmarkFormatException(path, line, $"not valid JSON ({e.Message})", e);
        }
        return ToFields(path, line, element);
    }

    private static Dictionary<string, JsonElement> ToFields(string path, int line, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new BenchmarkFormatException(path, line, $"expected a JSON object, found {element.ValueKind}");
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
            fields[property.Name] = property.Value;
        return fields;
    }

    private static async Task<List<BenchmarkRow>> ReadJsonArrayAsync(string path, CancellationToken cancellationToken)
    {
        JsonDocument document;
        await using (var stream = File.OpenRead(path))
        {
            try
            {
                document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                int line = e.LineNumber is { } zeroBased ? (int)zeroBased + 1 : 0;
                throw new BenchmarkFormatException(path, line, $"not valid JSON ({e.Message})", e);
            }
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw new BenchmarkFormatException(path, 0, "a .json benchmark must be an array of objects");
            var rows = new List<BenchmarkRow>();
            int record = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                record++;
                rows.Add(new BenchmarkRow(record, ToFields(path, record, element.Clone())));
            }
            return rows;
        }
    }
}
