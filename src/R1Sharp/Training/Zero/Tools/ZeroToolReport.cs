using System.Globalization;
using System.Net;
using System.Text;
using R1Sharp.IO;
using R1Sharp.Training.Metrics;
using R1Sharp.Training.Reports;

namespace R1Sharp.Training.Zero.Tools;

/// <summary>report.html of <c>r1 zero --tools</c>: the figures of summary.json, the tool-call rate and reward over the steps of both runs, and samples.</summary>
public static class ZeroToolReport
{
    /// <summary>File name of the report.</summary>
    public const string FileName = "report.html";

    /// <summary>Writes report.html into <paramref name="output"/>.</summary>
    public static async Task WriteAsync(string output, ZeroToolSummary summary, ToolEvaluationResult before, ToolEvaluationResult after, ToolEvaluationResult afterNoTools,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(afterNoTools);
        IReadOnlyList<(double, double)> Series(string run, string name)
        {
            string path = Path.Combine(output, run, MetricsLog.JsonlFileName);
            return File.Exists(path)
                ? [.. MetricsLog.ReadJsonl(path).Where(s => s.Values.ContainsKey(name)).Select(s => ((double)s.Step, s.Values[name]))]
                : [];
        }
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>R1-Zero with tools</title><style>")
            .Append("body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
            .Append("pre{white-space:pre-wrap;background:#f6f6f6;padding:6px;font-size:12px}.ok{color:#2ca02c}.bad{color:#d62728}</style></head><body>");
        html.Append("<h1>R1-Zero with a tool: multiplication</h1>");
        html.Append(CultureInfo.InvariantCulture,
            $"<p>Tool: {summary.Tool}. {summary.Parameters:N0}-parameter base model, {summary.Steps} GRPO steps per run, {summary.HeldOut} held-out problems, k = {summary.EvalSamples}. " +
            $"{summary.Seconds:0} s wall, {summary.CpuSeconds:0} CPU s, {summary.Threads} torch thread(s), load average {string.Join(" → ", summary.LoadAverage.Values.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)))}.</p>");
        string P(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        html.Append("<table><tr><th></th><th>pass@1</th><th>tool-call rate</th><th>format</th></tr>");
        void Row(string name, ToolEvaluationResult r) =>
            html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"text-align:left\">{name}</td><td>{P(r.Pass1)}</td><td>{P(r.ToolCallRate)}</td><td>{P(r.Format)}</td></tr>");
        Row("base model, with the tool", before);
        Row("after GRPO with the tool", after);
        Row("after GRPO without the tool (same steps)", afterNoTools);
        html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"text-align:left\">base model, without the tool</td><td>{P(summary.Pass1BeforeNoTools)}</td><td></td><td></td></tr></table>");
        html.Append("<h2>Training curves</h2><div>")
            .Append(SvgLineChart.Render("tool-call rate (share of rollouts)", new Dictionary<string, IReadOnlyList<(double X, double Y)>>
            {
                ["with the tool"] = Series(ZeroToolPipeline.ToolsRunDirectory, "tools/call_rate"),
            }))
            .Append(SvgLineChart.Render("training reward", new Dictionary<string, IReadOnlyList<(double X, double Y)>>
            {
                ["with the tool"] = Series(ZeroToolPipeline.ToolsRunDirectory, "reward"),
                ["without"] = Series(ZeroToolPipeline.NoToolsRunDirectory, "reward"),
            }))
            .Append("</div>");
        foreach (var (title, result) in new[] { ("Samples of the base model (with the tool)", before), ("After GRPO with the tool", after), ("After GRPO without the tool", afterNoTools) })
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>{title}</h2>");
            foreach (var s in result.Samples)
                html.Append(CultureInfo.InvariantCulture, $"<p>{WebUtility.HtmlEncode(s.Question)} <span class=\"{(s.Correct ? "ok" : "bad")}\">{(s.Correct ? "correct" : "wrong")}</span></p><pre>{WebUtility.HtmlEncode(s.Completion)}</pre>");
        }
        html.Append("</body></html>");
        await AtomicFile.WriteAllTextAsync(Path.Combine(output, FileName), html.ToString(), cancellationToken).ConfigureAwait(false);
    }
}
