using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Parquet.Serialization;

namespace R1Sharp.Data;

/// <summary>
/// Reads data sets as Hugging Face publishes them: JSON Lines (<c>.jsonl</c>, <c>.ndjson</c>), a JSON array
/// (<c>.json</c>; also <c>{"data": [...]}</c>/<c>{"rows": [...]}</c>), and Parquet (<c>.parquet</c>).
/// Every row must be a JSON object; a bad line is an error naming the file and line, never a silent skip.
/// </summary>
public static class DatasetReader
{
    /// <summary>Reads every row into memory.</summary>
    /// <exception cref="DatasetFormatException">A row is malformed; the message names the file and line.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static async Task<IReadOnlyList<DatasetRow>> ReadAllAsync(string path, CancellationToken cancellationToken = default)
    {
        var rows = new List<DatasetRow>();
        await foreach (var row in ReadAsync(path, cancellationToken).ConfigureAwait(false))
            rows.Add(row);
        return rows;
    }

    /// <summary>Streams rows in file order (JSONL is read line by line; JSON and Parquet are parsed whole).</summary>
    /// <exception cref="DatasetFormatException">A row is malformed; the message names the file and line.</exception>
    public static IAsyncEnumerable<DatasetRow> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"data file not found: {path}", path);
        string name = path.ToLowerInvariant();
        if (name.EndsWith(".parquet", StringComparison.Ordinal))
            return ReadParquetAsync(path, cancellationToken);
        if (name.EndsWith(".json", StringComparison.Ordinal))
            return ReadJsonArrayAsync(path, cancellationToken);
        if (name.EndsWith(".jsonl", StringComparison.Ordinal) || name.EndsWith(".ndjson", StringComparison.Ordinal))
            return ReadJsonLinesAsync(path, cancellationToken);
        throw new DatasetFormatException(path, 0, "unknown data format: expected a .jsonl, .ndjson, .json or .parquet file");
    }

    private static async IAsyncEnumerable<DatasetRow> ReadJsonLinesAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true));
        int lineNumber = 0;
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DecoderFallbackException e)
            {
                throw new DatasetFormatException(path, lineNumber + 1, "not valid UTF-8", e);
            }
            if (line is null) yield break;
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return new DatasetRow(path, lineNumber, ParseObject(line, path, lineNumber));
        }
    }

    private static async IAsyncEnumerable<DatasetRow> ReadJsonArrayAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        JsonDocument document;
        await using (var stream = File.OpenRead(path))
        {
            try
            {
                document = await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                throw new DatasetFormatException(path, (int)(e.LineNumber ?? -1) + 1, $"invalid JSON: {e.Message}", e);
            }
        }
        using (document)
        {
            JsonElement array = document.RootElement;
            if (array.ValueKind == JsonValueKind.Object)
            {
                if (array.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array) array = data;
                else if (array.TryGetProperty("rows", out var rows) && rows.ValueKind == JsonValueKind.Array) array = rows;
            }
            if (array.ValueKind != JsonValueKind.Array)
                throw new DatasetFormatException(path, 1, "expected a JSON array of objects (or an object with a \"data\" or \"rows\" array)");
            int index = 0;
            foreach (var element in array.EnumerateArray())
            {
                index++;
                cancellationToken.ThrowIfCancellationRequested();
                if (element.ValueKind != JsonValueKind.Object)
                    throw new DatasetFormatException(path, index, $"row {index} is a JSON {element.ValueKind.ToString().ToLowerInvariant()}, expected an object");
                yield return new DatasetRow(path, index, ToFields(element));
            }
        }
    }

    private static async IAsyncEnumerable<DatasetRow> ReadParquetAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IList<Dictionary<string, object>> data;
        try
        {
            await using var stream = File.OpenRead(path);
            var result = await ParquetSerializer.DeserializeUntypedAsync(stream, null, null, cancellationToken).ConfigureAwait(false);
            data = result.Data;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException or ArgumentException or Parquet.ParquetException)
        {
            throw new DatasetFormatException(path, 0, $"cannot read Parquet file: {e.Message}", e);
        }
        int index = 0;
        foreach (var record in data)
        {
            index++;
            cancellationToken.ThrowIfCancellationRequested();
            var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var (key, value) in record)
                fields[key] = JsonSerializer.SerializeToElement(value);
            yield return new DatasetRow(path, index, fields);
        }
    }

    private static Dictionary<string, JsonElement> ParseObject(string line, string path, int lineNumber)
    {
        JsonElement element;
        try
        {
            using var document = JsonDocument.Parse(line);
            element = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            long column = (e.BytePositionInLine ?? 0) + 1;
            throw new DatasetFormatException(path, lineNumber, $"invalid JSON at column {column}: {e.Message}", e);
        }
        if (element.ValueKind != JsonValueKind.Object)
            throw new DatasetFormatException(path, lineNumber, $"expected a JSON object, found a {element.ValueKind.ToString().ToLowerInvariant()}");
        return ToFields(element);
    }

    private static Dictionary<string, JsonElement> ToFields(JsonElement element)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
            fields[property.Name] = property.Value.Clone();
        return fields;
    }
}
