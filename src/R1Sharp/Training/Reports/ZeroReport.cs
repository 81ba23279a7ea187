using System.Globalization;
using System.Net;
using System.Text;
using R1Sharp.IO;
using R1Sharp.Training.Metrics;
using R1Sharp.Training.Zero;

namespace R1Sharp.Training.Reports;

/// <summary>
/// report.html of <c>r1 zero</c>, self-contained (inline SVG): the paper's R1-Zero figures at our scale — training
/// reward, held-out accuracy and mean response length over steps, reflection rate — plus before/after tables and
/// sample completions.
/// </summary>
public static class ZeroReport
{
    /// <summary>File name of the report.</summary>
    public const string FileName = "report.html";

    /// <summary>Folder (inside the run directory) of the PNG plots: reward, held-out pass@1, mean length, reflection rate.</summary>
    public const string PlotsDirectory = "plots";

    /// <summary>Writes report.html into <paramref name="runDirectory"/> from its metrics.jsonl and the evaluations.</summary>
    public static async Task WriteAsync(string runDirectory, ZeroSummary summary, TaskEvaluationResult before, TaskEvaluationResult after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        string metricsPath = Path.Combine(runDirectory, MetricsLog.JsonlFileName);
        var steps = File.Exists(metricsPath) ? MetricsLog.ReadJsonl(metricsPath) : [];
        IReadOnlyList<(double, double)> Series(string name) =>
            steps.Where(s => s.Values.ContainsKey(name)).Select(s => ((double)s.Step, s.Values[name])).ToList();
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>R1-Zero run</title><style>")
            .Append("body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
            .Append("pre{white-space:pre-wrap;background:#f6f6f6;padding:6px;font-size:12px}.ok{color:#2ca02c}.bad{color:#d62728}</style></head><body>");
        html.Append("<h1>R1-Zero on the built-in tasks</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{summary.Parameters:N0}-parameter base model, {summary.Steps} GRPO steps, {summary.Seconds:0} s wall ({summary.CpuSeconds:0} CPU s in the last process).</p>");
        html.Append("<table><tr><th></th><th>before RL</th><th>after RL</th><th>baselines (same held-out problems)</th></tr>");
        void Row(string name, double a, double b, bool percent, string baselines = "") =>
            html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"text-align:left\">{name}</td><td>{(percent ? a * 100 : a):0.0}{(percent ? "%" : "")}</td><td>{(percent ? b * 100 : b):0.0}{(percent ? "%" : "")}</td><td style=\"text-align:left\">{baselines}</td></tr>");
        Row("pass@1 (overall)", summary.Pass1Before, summary.Pass1After, true);
        foreach (var (family, v) in summary.Tasks)
            Row($"pass@1 {family}", v["pass1_before"], v["pass1_after"], true, summary.Baselines.TryGetValue(family, out var b) ? BaselineText(b) : "");
        Row("greedy accuracy", summary.GreedyBefore, summary.GreedyAfter, true);
        Row("format", summary.FormatBefore, summary.FormatAfter, true);
        Row("mean length (tokens)", summary.MeanLengthBefore, summary.MeanLengthAfter, false);
        Row("reflection rate", summary.ReflectionRateBefore, summary.ReflectionRateAfter, true);
        html.Append("</table>");

        // Each curve is drawn twice from the same series: inline SVG (the report stays one self-contained file) and a
        // PNG in plots/ (for slides, issues and papers).
        var charts = new (string Title, string File, Dictionary<string, IReadOnlyList<(double, double)>> Series)[]
        {
            ("training reward", "reward.png", new() { ["reward"] = Series("reward"), ["accuracy"] = Series("rewards/accuracy/mean") }),
            // One evaluation size per curve: the cheap k of the evaluations during RL, and the full k before and after.
            ("held-out pass@1", "heldout_pass1.png", new()
            {
                [$"during RL, k = {summary.IntermediateEvalSamples}"] = Series("eval/pass1"),
                [$"before and after RL, k = {summary.EvalSamples}"] = summary.Steps > 0 ? [(0, summary.Pass1Before), (summary.Steps, summary.Pass1After)] : [(0, summary.Pass1Before)],
            }),
            ("mean response length (tokens)", "mean_length.png", new() { ["training samples"] = Series("completions/mean_length") }),
            ("reflection rate (\"wait\", \"check again\"...)", "reflection_rate.png", new() { ["training samples"] = Series("reflection_rate") }),
        };
        html.Append("<h2>Training curves</h2><div>");
        foreach (var chart in charts)
        {
            html.Append(SvgLineChart.Render(chart.Title, chart.Series));
            TrainingCurveChart.Write(Path.Combine(runDirectory, PlotsDirectory, chart.File), chart.Title,
                chart.Series.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<(double X, double Y)>)kv.Value.Select(p => (p.Item1, p.Item2)).ToList()));
        }
        html.Append("</div><p>As PNG: ")
            .AppendJoin(", ", charts.Select(c => $"<a href=\"{PlotsDirectory}/{c.File}\">{c.File}</a>"))
            .Append("</p>");

        foreach (var (title, result) in new[] { ("Samples before RL", before), ("Samples after RL", after) })
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>{title}</h2>");
            foreach (var s in result.Samples)
                html.Append(CultureInfo.InvariantCulture, $"<p><b>{WebUtility.HtmlEncode(s.Family)}</b>: {WebUtility.HtmlEncode(s.Question)} <span class=\"{(s.Correct ? "ok" : "bad")}\">{(s.Correct ? "correct" : "wrong")}</span></p><pre>{WebUtility.HtmlEncode(s.Completion)}</pre>");
        }
        html.Append("</body></html>");
        await AtomicFile.WriteAllTextAsync(Path.Combine(runDirectory, FileName), html.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A family's baselines as the report shows them: "sum of numbers 18.0%, base pass@8 45.0%".</summary>
    public static string BaselineText(IReadOnlyDictionary<string, double> baselines)
    {
        ArgumentNullException.ThrowIfNull(baselines);
        static string Name(string key) => key.StartsWith("base_pass", StringComparison.Ordinal)
            ? "base model pass@" + key["base_pass".Length..]
            : key.Replace('_', ' ');
        return string.Join(", ", baselines.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{Name(kv.Key)} {kv.Value * 100:0.0}%")));
    }
}
