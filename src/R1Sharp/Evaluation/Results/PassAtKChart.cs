using R1Sharp.Evaluation.Metrics;
using R1Sharp.IO;
using ScottPlot;

namespace R1Sharp.Evaluation.Results;

/// <summary>Draws accuracy against k (the pass@k curve, k on a log2 axis) of each benchmark as a PNG, with cons@k marked.</summary>
public static class PassAtKChart
{
    /// <summary>File name of the chart in the output directory.</summary>
    public const string FileName = "pass_at_k.png";

    /// <summary>Renders the curves of <paramref name="benchmarks"/> into <paramref name="path"/> (written atomically).</summary>
    public static void Write(string path, IReadOnlyList<BenchmarkMetrics> benchmarks, int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(benchmarks);
        var plot = new Plot();
        var ticks = new SortedSet<int>();
        foreach (var metrics in benchmarks.Where(m => m.PassAtK.Count > 0))
        {
            double[] xs = metrics.PassAtK.Select(p => Math.Log2(p.K)).ToArray();
            double[] ys = metrics.PassAtK.Select(p => 100 * p.Value).ToArray();
            var curve = plot.Add.Scatter(xs, ys);
            curve.LegendText = $"{metrics.Name} pass@k";
            var consensus = plot.Add.Marker(Math.Log2(metrics.SamplesPerQuestion), 100 * metrics.ConsensusAccuracy, MarkerShape.OpenDiamond, 12, curve.Color);
            consensus.LegendText = $"{metrics.Name} cons@{metrics.SamplesPerQuestion}";
            foreach (var point in metrics.PassAtK) ticks.Add(point.K);
        }
        // Log2 positions with the k values as labels: k doubles at each step, so points are evenly spaced.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            ticks.Select(k => Math.Log2(k)).ToArray(), ticks.Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Bottom.Label.Text = "k (samples per question)";
        plot.Axes.Left.Label.Text = "accuracy (%)";
        plot.Axes.SetLimitsY(0, 100);
        plot.Title("pass@k");
        plot.ShowLegend(Alignment.LowerRight);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
    }
}
