using ScottPlot;

namespace Jepa.Evaluation;

/// <summary>One series of a line plot: a legend name and its points (non-finite values are left out).</summary>
public sealed record PlotSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>PNG line plots for the report, drawn by ScottPlot (SkiaSharp, headless).</summary>
public static class ReportPlots
{
    /// <summary>Size of a plot in pixels (a plot with a side legend is 300 px wider and 80 px taller).</summary>
    public const int Width = 640, Height = 360;

    /// <summary>A line plot of <paramref name="series"/> as PNG bytes, 640×360 (wider, legend beside the axes, for many series).</summary>
    public static byte[] Lines(string title, string xLabel, string yLabel, IEnumerable<PlotSeries> series, bool logY = false)
    {
        var plot = new Plot();
        foreach (var s in series)
        {
            var points = s.X.Zip(s.Y).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second) && (!logY || p.Second > 0)).ToArray();
            if (points.Length == 0) continue;
            var line = plot.Add.Scatter(points.Select(p => p.First).ToArray(), points.Select(p => logY ? Math.Log10(p.Second) : p.Second).ToArray());
            line.LegendText = s.Name;
            line.MarkerSize = points.Length <= 40 ? 5 : 0;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logY ? $"log10 {yLabel}" : yLabel);
        // Past a handful of series an inside legend hides the lines: put it beside the axes.
        bool many = plot.GetPlottables().Count() > 4;
        if (many) plot.ShowLegend(Edge.Right);
        else plot.ShowLegend();
        return plot.GetImageBytes(many ? Width + 300 : Width, many ? Height + 80 : Height, ImageFormat.Png);
    }

    /// <summary>
    /// A bar per (group, category, value), categories in the given order along the x axis (not a
    /// continuous axis), one colour and legend entry per group, and a dashed line at <paramref name="reference"/>.
    /// </summary>
    public static byte[] Bars(string title, string yLabel, IReadOnlyList<(string Group, string Category, double Value)> bars, double? reference = null)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var groups = bars.Select(b => b.Group).Distinct().ToList();
        for (int g = 0; g < groups.Count; g++)
        {
            var mine = bars.Select((b, i) => (Bar: b, Position: (double)i)).Where(b => b.Bar.Group == groups[g] && double.IsFinite(b.Bar.Value)).ToArray();
            if (mine.Length == 0) continue;
            var added = plot.Add.Bars(mine.Select(b => b.Position).ToArray(), mine.Select(b => b.Bar.Value).ToArray());
            added.Color = palette.GetColor(g);
            added.LegendText = groups[g];
        }
        if (reference is { } r)
        {
            var line = plot.Add.HorizontalLine(r);
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Gray;
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, bars.Count).Select(i => (double)i).ToArray(), bars.Select(b => b.Category).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.ShowLegend();
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }
}
