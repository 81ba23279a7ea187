using R1Sharp.IO;
using ScottPlot;

namespace R1Sharp.Training.Reports;

/// <summary>
/// One training curve of a run report as a PNG (ScottPlot, as <c>r1 eval</c>'s pass@k chart): named series of
/// (step, value) points, for readers that want files rather than the report's inline SVG.
/// </summary>
public static class TrainingCurveChart
{
    /// <summary>Renders <paramref name="series"/> into <paramref name="path"/> (written atomically; the folder is created).</summary>
    /// <param name="path">PNG file to write.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="series">Series name → points (step, value); points with a non-finite coordinate are skipped.</param>
    /// <param name="width">Image width in pixels. Default 720.</param>
    /// <param name="height">Image height in pixels. Default 400.</param>
    public static void Write(string path, string title, IReadOnlyDictionary<string, IReadOnlyList<(double X, double Y)>> series, int width = 720, int height = 400)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(series);
        var plot = new Plot();
        foreach (var (name, points) in series)
        {
            var finite = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
            if (finite.Length == 0) continue;
            var line = plot.Add.Scatter(finite.Select(p => p.X).ToArray(), finite.Select(p => p.Y).ToArray());
            line.LegendText = name;
        }
        plot.Title(title);
        plot.Axes.Bottom.Label.Text = "step";
        if (series.Count > 1) plot.ShowLegend(Alignment.UpperLeft);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
    }
}
