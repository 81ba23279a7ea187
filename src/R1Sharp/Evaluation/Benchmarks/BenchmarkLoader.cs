using System.Text.Json;

namespace R1Sharp.Evaluation.Benchmarks;

/// <summary>Reads a benchmark's questions through its field mapping and validates them.</summary>
public static class BenchmarkLoader
{
    /// <summary>Loads and validates every question of <paramref name="benchmark"/>.</summary>
    /// <exception cref="BenchmarkFormatException">
    /// A record lacks a mapped field, has an empty question or gold answer, lacks the gold marker, or repeats an id;
    /// the message names the file, the line and the field.
    /// </exception>
    public static async Task<IReadOnlyList<BenchmarkQuestion>> LoadAsync(BenchmarkDefinition benchmark, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        string path = benchmark.DataPath;
        var questions = new List<BenchmarkQuestion>();
        var lineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var row in BenchmarkRowReader.ReadAsync(path, cancellationToken).ConfigureAwait(false))
        {
            string question = RequiredText(path, row, benchmark.QuestionField);
            string gold = GoldAnswer(path, row, benchmark);
            string id = benchmark.IdField is null
                ? (questions.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : RequiredText(path, row, benchmark.IdField);
            if (lineOfId.TryGetValue(id, out int firstLine))
                throw new BenchmarkFormatException(path, row.Line, $"field '{benchmark.IdField}': id '{id}' already used on line {firstLine}");
            lineOfId[id] = row.Line;
            questions.Add(new BenchmarkQuestion(id, question, gold, row.Line));
        }
        if (questions.Count == 0) throw new BenchmarkFormatException(path, 0, "no questions in the file");
        return questions;
    }

    private static string GoldAnswer(string path, BenchmarkRow row, BenchmarkDefinition benchmark)
    {
        string answer = RequiredText(path, row, benchmark.AnswerField);
        if (benchmark.GoldMarker is null) return answer;
        int at = answer.LastIndexOf(benchmark.GoldMarker, StringComparison.Ordinal);
        if (at < 0)
            throw new BenchmarkFormatException(path, row.Line, $"field '{benchmark.AnswerField}': no '{benchmark.GoldMarker}' before the gold answer");
        string gold = answer[(at + benchmark.GoldMarker.Length)..].Trim();
        if (gold.Length == 0)
            throw new BenchmarkFormatException(path, row.Line, $"field '{benchmark.AnswerField}': nothing after '{benchmark.GoldMarker}'");
        return gold;
    }

    private static string RequiredText(string path, BenchmarkRow row, string field)
    {
        if (!row.Fields.TryGetValue(field, out var value))
        {
            string present = string.Join(", ", row.Fields.Keys.Take(12));
            throw new BenchmarkFormatException(path, row.Line, $"missing field '{field}' (fields present: {present})");
        }
        string? text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            // Numbers keep their written form, so an id 60 or an answer 025 stays as the file has it.
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new BenchmarkFormatException(path, row.Line, $"field '{field}' must be a string or a number, found {value.ValueKind}"),
        };
        if (string.IsNullOrWhiteSpace(text))
            throw new BenchmarkFormatException(path, row.Line, $"field '{field}' is empty");
        return text.Trim();
    }
}
