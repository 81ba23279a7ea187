using System.Globalization;
using R1Sharp.Evaluation.Results;
using Spectre.Console;

namespace R1Sharp.Cli.Commands.Eval;

/// <summary>The console table of an evaluation summary: one row per benchmark, then the pooled row.</summary>
internal static class SummaryTable
{
    public static Table Build(EvaluationSummary summary)
    {
        // Rates are percentages; "no answer" counts responses in which the judge found no final answer.
        var table = new Table().Title("r1 eval: " + Markup.Escape(summary.Backend));
        foreach (string column in new[] { "benchmark", "questions", "k", "pass@1", "± s.e.", "cons@k", "pass@k (k)", "mean tokens", "max tokens", "truncated", "no answer", "failed" })
            table.AddColumn(new TableColumn(column) { Alignment = column == "benchmark" ? Justify.Left : Justify.Right });
        foreach (var m in summary.Benchmarks.Append(summary.Overall))
        {
            var best = m.PassAtK.Count > 0 ? m.PassAtK[^1] : null;
            table.AddRow(
                Markup.Escape(m.Name),
                m.Questions.ToString(CultureInfo.InvariantCulture),
                m.SamplesPerQuestion.ToString(CultureInfo.InvariantCulture),
                SummaryWriter.Percent(m.PassAt1.Mean),
                SummaryWriter.Percent(m.PassAt1.StandardError),
                SummaryWriter.Percent(m.ConsensusAccuracy),
                best is null ? "-" : $"{SummaryWriter.Percent(best.Value)} (k={best.K})",
                m.MeanResponseTokens?.ToString("0", CultureInfo.InvariantCulture) ?? "-",
                m.MaxResponseTokens?.ToString(CultureInfo.InvariantCulture) ?? "-",
                SummaryWriter.Percent(m.TruncationRate),
                SummaryWriter.Percent(m.NoAnswerRate),
                m.FailedSamples.ToString(CultureInfo.InvariantCulture));
        }
        return table;
    }
}
