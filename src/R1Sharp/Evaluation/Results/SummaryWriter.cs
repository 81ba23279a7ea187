using System.Globalization;
using System.Text;
using System.Text.Json;
using R1Sharp.Evaluation.Metrics;

using R1Sharp.IO;

namespace R1Sharp.Evaluation.Results;

/// <summary>Writes <c>summary.json</c> (machine-readable, snake_case) and <c>summary.md</c> (a table for people), each atomically.</summary>
public static class SummaryWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>File name of the JSON summary.</summary>
    public const string JsonFileName = "summary.json";

    /// <summary>File name of the Markdown summary.</summary>
    public const string MarkdownFileName = "summary.md";

    /// <summary>Writes both files into <paramref name="directory"/>.</summary>
    public static async Task WriteAsync(string directory, EvaluationSummary summary, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Directory.CreateDirectory(directory);
        await AtomicFile.WriteAllTextAsync(Path.Combine(directory, JsonFileName), ToJson(summary), cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAllTextAsync(Path.Combine(directory, MarkdownFileName), ToMarkdown(summary), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The JSON text of <paramref name="summary"/>.</summary>
    public static string ToJson(EvaluationSummary summary) => JsonSerializer.Serialize(summary, Json);

    /// <summary>Reads a summary written by <see cref="WriteAsync"/>.</summary>
    public static EvaluationSummary? FromJson(string json) => JsonSerializer.Deserialize<EvaluationSummary>(json, Json);

    /// <summary>The Markdown report: settings, one row per benchmark plus overall, and the pass@k table.</summary>
    public static string ToMarkdown(EvaluationSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var rows = summary.Benchmarks.Append(summary.Overall).ToList();
        var md = new StringBuilder();
        md.AppendLine("# Evaluation summary").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- backend: `{summary.Backend}`");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"- sampling: temperature {summary.Sampling.Temperature}, top-p {summary.Sampling.TopP}, max tokens {summary.Sampling.MaxTokens}, seed {summary.Sampling.Seed?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- prompt suffix: \"{summary.PromptSuffix}\"");
        md.AppendLine(CultureInfo.InvariantCulture, $"- completed: {summary.CompletedUtc:u}").AppendLine();

        md.AppendLine("| benchmark | questions | k | pass@1 (± s.e.) | cons@k | mean tokens | max tokens | truncated | no answer | failed |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {m.Name} | {m.Questions} | {m.SamplesPerQuestion} | {Percent(m.PassAt1.Mean)} ± {Percent(m.PassAt1.StandardError)} | {Percent(m.ConsensusAccuracy)} | {m.MeanResponseTokens?.ToString("0", CultureInfo.InvariantCulture) ?? "-"} | {m.MaxResponseTokens?.ToString(CultureInfo.InvariantCulture) ?? "-"} | {Percent(m.TruncationRate)} | {Percent(m.NoAnswerRate)} | {m.FailedSamples} |");
        }

        if (rows.Any(m => m.ToolCallRate is not null))
        {
            md.AppendLine().AppendLine("## tool use").AppendLine();
            md.AppendLine("| benchmark | tool call rate | calls per sample | failed calls |");
            md.AppendLine("|---|---:|---:|---:|");
            foreach (var m in rows.Where(m => m.ToolCallRate is not null))
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {m.Name} | {Percent(m.ToolCallRate!.Value)} | {m.MeanToolCalls:0.00} | {Percent(m.ToolFailureRate ?? 0)} |");
        }

        var ks = rows.SelectMany(m => m.PassAtK.Select(p => p.K)).Distinct().Order().ToList();
        md.AppendLine().AppendLine("## pass@k (unbiased estimator)").AppendLine();
        md.AppendLine("| benchmark | " + string.Join(" | ", ks.Select(k => $"pass@{k}")) + " |");
        md.AppendLine("|---|" + string.Concat(ks.Select(_ => "---:|")));
        foreach (var m in rows)
        {
            var cells = ks.Select(k => m.PassAtK.FirstOrDefault(p => p.K == k) is { } point ? Percent(point.Value) : "");
            md.AppendLine($"| {m.Name} | " + string.Join(" | ", cells) + " |");
        }
        return md.ToString();
    }

    /// <summary>A fraction as a percentage with one decimal (<c>0.839</c> -> <c>83.9</c>).</summary>
    public static string Percent(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture);
}
