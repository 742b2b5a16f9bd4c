using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Jepa.Evaluation.ReportSections;

namespace Jepa.Evaluation;

/// <summary>
/// Writes eval/report.html: one self-contained page (plots, pictures and animations embedded as data
/// URIs; no script or style from the network) from eval/report.json, the pictures the evaluators
/// left beside it and, when the eval folder sits in a run directory, its metrics.jsonl. The page is
/// a list of <see cref="IReportSection"/>s; each plot is also saved as a PNG beside it.
/// </summary>
public static class ReportHtml
{
    /// <summary>The sections, in page order. A new task appends its own.</summary>
    public static readonly IReadOnlyList<IReportSection> Sections =
        [new TrainingReportSection(), new PredictReportSection(), new VoeReportSection(), new ProbeReportSection(), new PlanReportSection()];

    /// <summary>Names of every section's plots, in page order.</summary>
    public static IReadOnlyList<string> PlotNames => Sections.SelectMany(s => s.Plots).ToArray();

    private const string Style =
        "body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}" +
        "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}" +
        "img.picture{image-rendering:pixelated}figure{margin:.5em 0 1.5em;overflow-x:auto}figcaption{color:#555;font-size:90%;max-width:900px}" +
        "p.missing{color:#a60}nav a{margin-right:1em}";

    /// <summary>Writes <c>report.html</c> and the plot PNGs into <paramref name="evalDir"/>; returns the page's path.</summary>
    public static string Write(string evalDir)
    {
        var report = File.Exists(Path.Combine(evalDir, "report.json"))
            ? JsonNode.Parse(File.ReadAllText(Path.Combine(evalDir, "report.json"))) as JsonObject ?? new JsonObject()
            : new JsonObject();
        var metrics = ReadMetrics(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(evalDir))!, "metrics.jsonl"));
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>jepa report</title><style>").Append(Style)
            .Append("</style></head><body><h1>jepa evaluation report</h1>");
        if (report["checkpoint"]?["path"]?.GetValue<string>() is { } checkpoint)
            html.Append(CultureInfo.InvariantCulture, $"<p>Checkpoint {WebUtility.HtmlEncode(checkpoint)}, step {report["step"]}.</p>");
        else if (report["step"] is { } step)
            html.Append(CultureInfo.InvariantCulture, $"<p>Checkpoint step {step}.</p>");
        html.Append("<nav>");
        for (int i = 0; i < Sections.Count; i++)
            html.Append(CultureInfo.InvariantCulture, $"<a href=\"#section-{i}\">{WebUtility.HtmlEncode(Sections[i].Title)}</a>");
        html.Append("</nav>");
        for (int i = 0; i < Sections.Count; i++)
        {
            var page = new ReportPage(report, metrics, evalDir);
            page.Heading(Sections[i].Title);
            Sections[i].Write(page);
            html.Append(CultureInfo.InvariantCulture, $"<section id=\"section-{i}\">").Append(page.Html).Append("</section>");
        }
        // Marks how many images the browser decoded with a size, of how many, so a headless browser can check the page (tests do).
        html.Append("<script>addEventListener('load',()=>{const i=[...document.images];document.body.dataset.images=i.length;" +
            "document.body.dataset.imagesDrawn=i.filter(x=>x.complete&&x.naturalWidth>0&&x.naturalHeight>0).length})</script>");
        html.Append("</body></html>");
        var path = Path.Combine(evalDir, "report.html");
        File.WriteAllText(path, html.ToString());
        return path;
    }

    private static List<JsonObject> ReadMetrics(string path)
    {
        if (!File.Exists(path)) return [];
        var rows = new List<JsonObject>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            // The last line of a run in progress may be half written: skip what does not parse.
            try
            {
                if (JsonNode.Parse(line) is JsonObject o && o["step"] is not null) rows.Add(o);
            }
            catch (System.Text.Json.JsonException)
            {
            }
        }
        return rows;
    }
}
