using System.Text.Json;

namespace R1Sharp.Data;

/// <summary>
/// One row of a data set: its fields as immutable JSON values (thread-safe to read), and where it came from
/// so that every error about it can name the file and line.
/// </summary>
/// <param name="Source">The file the row was read from.</param>
/// <param name="Number">1-based line number for JSONL, 1-based element index for JSON arrays and Parquet rows.</param>
/// <param name="Fields">Column name -> value.</param>
public sealed record DatasetRow(string Source, int Number, IReadOnlyDictionary<string, JsonElement> Fields)
{
    /// <summary>"file:line" (or "file:row N" for non-line formats), for messages.</summary>
    public string Location => $"{Source}:{Number}";

    /// <summary>The field as text (strings as-is, numbers/bools as written, arrays/objects as raw JSON), or null when absent or null.</summary>
    public string? GetString(string field) =>
        Fields.TryGetValue(field, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            }
            : null;

    /// <summary>The field as text; a missing, null or empty field is an error naming the file, line and field.</summary>
    /// <exception cref="DatasetFormatException">The field is missing or empty.</exception>
    public string RequireString(string field)
    {
        string? value = GetString(field);
        if (string.IsNullOrEmpty(value))
        {
            string known = string.Join(", ", Fields.Keys);
            throw new DatasetFormatException(Source, Number,
                $"field '{field}' is {(Fields.ContainsKey(field) ? "empty" : "missing")} (fields present: {known})");
        }
        return value;
    }
}
