using System.Globalization;
using System.Net;
using System.Text;

namespace R1Sharp.Training.Reports;

/// <summary>
/// A small self-contained SVG line chart (no plotting dependency, renders in any browser, embeds in HTML):
/// axes with min/max labels, one or more series over steps.
/// </summary>
public static class SvgLineChart
{
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"];

    /// <summary>Renders the chart.</summary>
    /// <param name="title">Chart title.</param>
    /// <param name="series">Series name → (x, y) points, in x order.</param>
    /// <param name="width">Pixels.</param>
    /// <param name="height">Pixels.</param>
    public static string Render(string title, IReadOnlyDictionary<string, IReadOnlyList<(double X, double Y)>> series, int width = 460, int height = 260)
    {
        ArgumentNullException.ThrowIfNull(series);
        const int left = 52, right = 12, top = 28, bottom = 34;
        var points = series.Values.SelectMany(s => s).Where(p => double.IsFinite(p.Y)).ToList();
        double minX = points.Count == 0 ? 0 : points.Min(p => p.X), maxX = points.Count == 0 ? 1 : points.Max(p => p.X);
        double minY = points.Count == 0 ? 0 : Math.Min(0, points.Min(p => p.Y)), maxY = points.Count == 0 ? 1 : points.Max(p => p.Y);
        if (maxX <= minX) maxX = minX + 1;
        if (maxY <= minY) maxY = minY + 1;
        double Sx(double x) => left + (x - minX) / (maxX - minX) * (width - left - right);
        double Sy(double y) => height - bottom - (y - minY) / (maxY - minY) * (height - top - bottom);
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"16\" text-anchor=\"middle\" font-size=\"13\">{WebUtility.HtmlEncode(title)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{top}\" width=\"{width - left - right}\" height=\"{height - top - bottom}\" fill=\"none\" stroke=\"#999\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 4}\" y=\"{top + 8}\" text-anchor=\"end\">{F(maxY)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 4}\" y=\"{height - bottom}\" text-anchor=\"end\">{F(minY)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{height - bottom + 14}\">{F(minX)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - right}\" y=\"{height - bottom + 14}\" text-anchor=\"end\">{F(maxX)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(left + width - right) / 2}\" y=\"{height - 6}\" text-anchor=\"middle\">step</text>");
        int index = 0;
        foreach (var (name, data) in series)
        {
            string color = Colors[index % Colors.Length];
            var valid = data.Where(p => double.IsFinite(p.Y)).ToList();
            if (valid.Count > 0)
            {
                string path = string.Join(" ", valid.Select(p => $"{Sx(p.X).ToString("0.#", CultureInfo.InvariantCulture)},{Sy(p.Y).ToString("0.#", CultureInfo.InvariantCulture)}"));
                svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\" points=\"{path}\"/>");
                if (valid.Count == 1) svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Sx(valid[0].X):0.#}\" cy=\"{Sy(valid[0].Y):0.#}\" r=\"3\" fill=\"{color}\"/>");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + 8}\" y=\"{top + 14 + 13 * index}\" fill=\"{color}\">{WebUtility.HtmlEncode(name)}</text>");
            index++;
        }
        return svg.Append("</svg>").ToString();
    }
}
