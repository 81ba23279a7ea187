using System.Text.RegularExpressions;
using R1Sharp.Evaluation.Benchmarks;

namespace R1Sharp.Cli.Commands.Eval;

/// <summary>
/// Turns <c>--benchmark</c> values into benchmark definitions. A value is a preset name (<c>math500</c>: its file is
/// looked for in the data directory), <c>NAME=PATH</c> (a preset's mapping on another file, or a custom benchmark
/// when NAME is no preset), or a bare file path (a custom benchmark named after the file).
/// </summary>
internal static partial class BenchmarkArguments
{
    /// <summary>Field mapping given on the command line; each non-null value overrides the preset's.</summary>
    public sealed record FieldOverrides(string? QuestionField, string? AnswerField, string? IdField, string? GoldMarker);

    public static BenchmarkDefinition Resolve(string value, string dataDirectory, FieldOverrides fields, int? samples)
    {
        string? name = null, path = null;
        int equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0)
        {
            name = value[..equals];
            path = value[(equals + 1)..];
        }
        else if (BenchmarkPresets.Find(value) is null && (value.Contains('/', StringComparison.Ordinal) || value.Contains('.', StringComparison.Ordinal)))
        {
            path = value;
            name = Path.GetFileNameWithoutExtension(value);
        }
        else name = value;

        if (!NamePattern().IsMatch(name))
            throw new ArgumentException($"--benchmark '{value}': the name '{name}' may only hold letters, digits, '.', '-' and '_'");
        if (samples is < 1) throw new ArgumentException($"--samples must be at least 1, got {samples}");

        var preset = BenchmarkPresets.Find(name);
        if (preset is not null)
        {
            var definition = BenchmarkDefinition.FromPreset(preset, path ?? Path.Combine(dataDirectory, preset.FileName), samples);
            return definition with
            {
                QuestionField = fields.QuestionField ?? definition.QuestionField,
                AnswerField = fields.AnswerField ?? definition.AnswerField,
                IdField = fields.IdField ?? definition.IdField,
                GoldMarker = fields.GoldMarker ?? definition.GoldMarker,
            };
        }
        if (path is null)
            throw new ArgumentException($"--benchmark '{value}' is no preset ({string.Join(", ", BenchmarkPresets.All.Select(p => p.Name))}); give NAME=PATH and the field mapping for a custom file");
        if (fields.QuestionField is null || fields.AnswerField is null)
            throw new ArgumentException($"--benchmark '{value}' is a custom file: give --question-field and --answer-field (and --id-field if it has ids)");
        return new BenchmarkDefinition(name, path, fields.QuestionField, fields.AnswerField, fields.IdField, fields.GoldMarker,
            samples ?? DefaultCustomSamples, LastNumberFallback: false);
    }

    /// <summary>k for a custom benchmark when --samples is not given: the paper's smallest (4).</summary>
    public const int DefaultCustomSamples = 4;

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex NamePattern();
}
