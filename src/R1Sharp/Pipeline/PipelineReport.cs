using System.Globalization;
using System.Net;
using System.Text;
using R1Sharp.IO;
using R1Sharp.Training.Reports;

namespace R1Sharp.Pipeline;

/// <summary>
/// report.html of <c>r1 pipeline</c>, self-contained (inline SVG, the chart code of <c>r1 zero</c>'s report): one figure
/// per quantity across the stages (pass@1, language consistency, reward-model score, mean length), the table of
/// summary.json, each stage's effect with its paired-bootstrap interval, the language ablation, and sample completions.
/// </summary>
public static class PipelineReport
{
    /// <summary>File name of the report.</summary>
    public const string FileName = "report.html";

    /// <summary>Writes the report into <paramref name="runDirectory"/>.</summary>
    public static async Task WriteAsync(string runDirectory, PipelineSummary summary, IReadOnlyDictionary<string, StageRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(records);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>DeepSeek-R1 pipeline run</title><style>")
            .Append("body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
            .Append("pre{white-space:pre-wrap;background:#f6f6f6;padding:6px;font-size:12px}</style></head><body>");
        html.Append("<h1>DeepSeek-R1's four stages on the built-in world</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>Seed {summary.Seed}; {summary.Seconds:0} s wall, {summary.CpuSeconds:0} CPU s (this process). Stages on the x axis: ")
            .AppendJoin(", ", summary.Stages.Select((s, i) => $"{i} = {s.Name}")).Append(".</p>");

        var families = summary.Stages.SelectMany(s => s.Pass1ByFamily.Keys).Distinct(StringComparer.Ordinal).ToList();
        html.Append("<table><tr><th>stage</th><th>pass@1</th>");
        foreach (string family in families) html.Append("<th>").Append(WebUtility.HtmlEncode(family)).Append("</th>");
        html.Append("<th>language consistency</th><th>mixed-language rate</th><th>RM score</th><th>chat judge</th><th>mean length</th><th>format</th></tr>");
        foreach (var s in summary.Stages)
        {
            var d = summary.Details[s.Name];
            html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"text-align:left\">{s.Name}</td><td>{s.Pass1 * 100:0.0}%</td>");
            foreach (string family in families)
                html.Append(s.Pass1ByFamily.TryGetValue(family, out double p) ? string.Create(CultureInfo.InvariantCulture, $"<td>{p * 100:0.0}%</td>") : "<td></td>");
            html.Append(CultureInfo.InvariantCulture, $"<td>{s.LanguageConsistency:0.000}</td><td>{d["mixed_language_rate"] * 100:0.0}%</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{s.RmScore:0.000}</td><td>{d["chat_judge"]:0.000}</td><td>{s.MeanLength:0.0}</td><td>{d["format"] * 100:0.0}%</td></tr>");
        }
        html.Append("</table>");

        html.Append("<h2>Across the stages</h2><div>");
        foreach (var (title, value, byFamily) in new (string, Func<StageFigures, double>, bool)[]
        {
            ("reasoning pass@1", s => s.Pass1, true),
            ("language consistency", s => s.LanguageConsistency, false),
            ("reward-model score (held-out chat)", s => s.RmScore, false),
            ("mean length (tokens)", s => s.MeanLength, false),
        })
        {
            var series = new Dictionary<string, IReadOnlyList<(double X, double Y)>> { [title] = [.. summary.Stages.Select((s, i) => ((double)i, value(s)))] };
            // One line per family beside the total: a stage can raise one family and lower the other.
            if (byFamily)
            {
                foreach (string family in families)
                    series[family] = [.. summary.Stages.Select((s, i) => (i, s.Pass1ByFamily)).Where(p => p.Pass1ByFamily.ContainsKey(family)).Select(p => ((double)p.i, p.Pass1ByFamily[family]))];
            }
            html.Append(SvgLineChart.Render(title, series));
        }
        html.Append("</div>");

        html.Append("<h2>Each stage against the previous one (paired bootstrap, 95%)</h2><table><tr><th>stage</th><th>quantity</th><th>change</th><th>interval</th><th>paper</th><th>as in paper</th></tr>");
        foreach (var e in summary.Effects)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"text-align:left\">{e.Stage}</td><td style=\"text-align:left\">{e.Quantity}</td><td>{e.Change.Difference:+0.000;-0.000}</td><td>[{e.Change.Low:0.000}, {e.Change.High:0.000}]</td><td>{e.PaperDirection ?? ""}</td><td>{(e.AsInPaper is { } a ? a ? "yes" : "no" : "")}</td></tr>");
        html.Append("</table>");

        if (summary.LanguageAblation is { } ab)
        {
            html.Append("<h2>Stage 2 with and without the language-consistency reward</h2><table><tr><th></th><th>with</th><th>without</th><th>with − without (95%)</th></tr>");
            html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"text-align:left\">language consistency</td><td>{ab.With.LanguageConsistency:0.000}</td><td>{ab.Without.LanguageConsistency:0.000}</td><td>{ab.ConsistencyGain.Difference:+0.000;-0.000} [{ab.ConsistencyGain.Low:0.000}, {ab.ConsistencyGain.High:0.000}]</td></tr>");
            html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"text-align:left\">mixed-language rate</td><td>{ab.MixedRateWith * 100:0.0}%</td><td>{ab.MixedRateWithout * 100:0.0}%</td><td></td></tr>");
            html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"text-align:left\">pass@1</td><td>{ab.With.Pass1 * 100:0.0}%</td><td>{ab.Without.Pass1 * 100:0.0}%</td><td>{ab.Pass1Cost.Difference:+0.000;-0.000} [{ab.Pass1Cost.Low:0.000}, {ab.Pass1Cost.High:0.000}]</td></tr></table>");
        }

        html.Append("<h2>Samples (first sample of the first held-out problem of each family, and of the first chat prompt)</h2>");
        foreach (var name in summary.Stages.Select(s => s.Name))
        {
            html.Append(CultureInfo.InvariantCulture, $"<h3>{name}</h3>");
            foreach (var example in records[name].Evaluation.Examples) html.Append("<pre>").Append(WebUtility.HtmlEncode(example)).Append("</pre>");
        }
        html.Append("</body></html>");
        await AtomicFile.WriteAllTextAsync(Path.Combine(runDirectory, FileName), html.ToString(), cancellationToken).ConfigureAwait(false);
    }
}
