using System.Globalization;
using R1Sharp.Data;

namespace R1Sharp.Evaluation.Benchmarks;

/// <summary>Reads a benchmark's questions (JSONL, JSON or Parquet, via <see cref="DatasetReader"/>) through its field mapping and validates them.</summary>
public static class BenchmarkLoader
{
    /// <summary>Loads and validates every question of <paramref name="benchmark"/>.</summary>
    /// <exception cref="DatasetFormatException">
    /// A record is malformed, lacks a mapped field, has an empty question or gold answer, lacks the gold marker, or
    /// repeats an id; the message names the file, the line and the field.
    /// </exception>
    /// <exception cref="FileNotFoundException">The data file does not exist.</exception>
    public static async Task<IReadOnlyList<BenchmarkQuestion>> LoadAsync(BenchmarkDefinition benchmark, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        var questions = new List<BenchmarkQuestion>();
        var lineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var row in DatasetReader.ReadAsync(benchmark.DataPath, cancellationToken).ConfigureAwait(false))
        {
            string question = row.RequireString(benchmark.QuestionField).Trim();
            string gold = GoldAnswer(row, benchmark);
            string id = benchmark.IdField is null
                ? (questions.Count + 1).ToString(CultureInfo.InvariantCulture)
                : row.RequireString(benchmark.IdField).Trim();
            if (lineOfId.TryGetValue(id, out int firstLine))
                throw new DatasetFormatException(row.Source, row.Number, $"field '{benchmark.IdField}': id '{id}' already used on line {firstLine}");
            lineOfId[id] = row.Number;
            questions.Add(new BenchmarkQuestion(id, question, gold, row.Number));
        }
        if (questions.Count == 0) throw new DatasetFormatException(benchmark.DataPath, 0, "no questions in the file");
        return questions;
    }

    private static string GoldAnswer(DatasetRow row, BenchmarkDefinition benchmark)
    {
        // Numbers keep their written form (DatasetRow gives raw JSON text), so an answer 025 stays as the file has it.
        string answer = row.RequireString(benchmark.AnswerField).Trim();
        if (answer.Length == 0)
            throw new DatasetFormatException(row.Source, row.Number, $"field '{benchmark.AnswerField}' is blank");
        if (benchmark.GoldMarker is null) return answer;
        int at = answer.LastIndexOf(benchmark.GoldMarker, StringComparison.Ordinal);
        if (at < 0)
            throw new DatasetFormatException(row.Source, row.Number, $"field '{benchmark.AnswerField}': no '{benchmark.GoldMarker}' before the gold answer");
        string gold = answer[(at + benchmark.GoldMarker.Length)..].Trim();
        if (gold.Length == 0)
            throw new DatasetFormatException(row.Source, row.Number, $"field '{benchmark.AnswerField}': nothing after '{benchmark.GoldMarker}'");
        return gold;
    }
}
