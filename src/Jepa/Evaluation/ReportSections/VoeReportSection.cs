using System.Text.Json.Nodes;

namespace Jepa.Evaluation.ReportSections;

/// <summary>eval --task voe: the accuracy tables, surprise curves, where surprise peaks, and the surprise maps.</summary>
public sealed class VoeReportSection : IReportSection
{
    public string Title => "Violation of expectation";

    public IReadOnlyList<string> Plots => ["surprise"];

    public void Write(ReportPage page)
    {
        page.Table(page.Rows("voe", "levels"),
            ["level", "statistic", "relative_accuracy", "auroc", "untrained_relative_accuracy", "pixel_relative_accuracy"]);
        if (page.Rows("voe", "by_event") is { Count: > 0 } byEvent)
        {
            page.Heading("By event, best level and statistic", 3);
            page.Table(byEvent, ["event", "pairs", "relative_accuracy", "untrained_relative_accuracy", "pixel_relative_accuracy"]);
        }
        if (page.Report["voe"]?["selected"] is JsonObject selected)
        {
            page.Heading("Chosen in advance", 3);
            page.Table([selected.DeepClone()], ["level", "statistic", "chosen_on", "relative_accuracy", "auroc", "untrained_relative_accuracy", "pixel_relative_accuracy"]);
        }
        var curves = page.Rows("voe", "curves");
        page.Plot("surprise", "Surprise curves", curves is { Count: > 0 }
            ? ReportPlots.Lines("Surprise over time (level 1, token mean)", "frame", "prediction error",
                curves.Select(c => new PlotSeries(Path.GetFileNameWithoutExtension((string?)c!["clip"]) ?? "",
                    ((JsonArray)c["level1"]!).Select((_, i) => (double)i).ToArray(),
                    ((JsonArray)c["level1"]!).Select(v => v is null ? double.NaN : ReportPage.Num(v)).ToArray())))
            : null);
        page.Heading("Where the surprise peaks", 3);
        page.Paragraph("For every impossible clip: at the event frame and the two after it, is the token of highest level-1 surprise one where the twins' pixels differ " +
            "(where the object vanished, jumped or passed the wall)? Chance is the share of such tokens.");
        page.Table(page.Rows("voe", "localisation"), ["event", "clips", "hit_rate", "chance"]);
        page.Pictures(page.Rows("voe", "pictures"), "Surprise maps");
    }
}
