using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Jepa.Evaluation;

/// <summary>
/// The page a report section writes into: report.json, the run's metrics.jsonl rows, the eval folder,
/// and helpers that embed a plot, a picture or a table, or say plainly what was not measured.
/// </summary>
public sealed class ReportPage(JsonObject report, IReadOnlyList<JsonObject> metrics, string evalDir)
{
    /// <summary>What a part of the page says when its data is absent (a full run leaves none).</summary>
    public const string NotMeasured = "Not measured in this run.";

    private readonly StringBuilder html = new();

    public JsonObject Report { get; } = report;
    public IReadOnlyList<JsonObject> Metrics { get; } = metrics;
    public string EvalDir { get; } = evalDir;

    /// <summary>The HTML written so far.</summary>
    public string Html => html.ToString();

    public void Heading(string text, int level = 2) =>
        html.Append(CultureInfo.InvariantCulture, $"<h{level}>{WebUtility.HtmlEncode(text)}</h{level}>");

    public void Paragraph(string text, string? cssClass = null) =>
        html.Append(cssClass is null ? "<p>" : $"<p class=\"{cssClass}\">").Append(WebUtility.HtmlEncode(text)).Append("</p>");

    /// <summary>HTML a section built itself (already encoded).</summary>
    public void Raw(string fragment) => html.Append(fragment);

    public void Missing(string text = NotMeasured) => Paragraph(text, "missing");

    /// <summary>A plot: saved as <c>name.png</c> beside the page and embedded, or "not measured" when <paramref name="png"/> is null.</summary>
    public void Plot(string name, string title, byte[]? png)
    {
        Heading(title, 3);
        if (png is null)
        {
            Missing();
            return;
        }
        File.WriteAllBytes(Path.Combine(EvalDir, name + ".png"), png);
        html.Append(CultureInfo.InvariantCulture, $"<img id=\"plot-{name}\" class=\"plot\" alt=\"{WebUtility.HtmlEncode(title)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\">");
    }

    /// <summary>
    /// The pictures an evaluator listed (objects with name, file, title, caption), each embedded from its
    /// file beside the page with its caption; <paramref name="what"/> names them when none were made.
    /// </summary>
    public void Pictures(JsonArray? pictures, string what)
    {
        if (pictures is null || pictures.Count == 0)
        {
            Heading(what, 3);
            Missing();
            return;
        }
        foreach (var p in pictures.OfType<JsonObject>())
        {
            string name = (string?)p["name"] ?? "picture", file = (string?)p["file"] ?? "", title = (string?)p["title"] ?? name;
            Heading(title, 3);
            var path = Path.Combine(EvalDir, Path.GetFileName(file));
            if (!File.Exists(path))
            {
                Missing($"{file} is listed in report.json but not in {EvalDir}; rerun jepa eval to draw it.");
                continue;
            }
            var bytes = File.ReadAllBytes(path);
            // Animations are stored at the frames' own size (small files); the page shows them twice as large, pixels sharp.
            int width = bytes.Length > 24 ? (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19] : 0;
            string size = width is > 0 and < 400 ? $" width=\"{2 * width}\"" : "";
            html.Append(CultureInfo.InvariantCulture, $"<figure><img id=\"picture-{WebUtility.HtmlEncode(name)}\" class=\"picture\"{size} alt=\"{WebUtility.HtmlEncode(title)}\" src=\"data:image/png;base64,{Convert.ToBase64String(bytes)}\">")
                .Append("<figcaption>").Append(WebUtility.HtmlEncode((string?)p["caption"] ?? "")).Append("</figcaption></figure>");
        }
    }

    /// <summary>An HTML table of <paramref name="rows"/>' <paramref name="columns"/>; "not measured" without rows.</summary>
    public void Table(JsonArray? rows, IReadOnlyList<string> columns)
    {
        if (rows is null || rows.Count == 0)
        {
            Missing();
            return;
        }
        html.Append("<table><tr>");
        foreach (var c in columns) html.Append("<th>").Append(WebUtility.HtmlEncode(c)).Append("</th>");
        html.Append("</tr>");
        foreach (var r in rows)
        {
            html.Append("<tr>");
            foreach (var c in columns)
            {
                var v = r?[c];
                string text = v is JsonValue jv && jv.TryGetValue<double>(out var d) && d != Math.Floor(d) ? d.ToString("F3", CultureInfo.InvariantCulture) : v?.ToString() ?? "";
                html.Append("<td>").Append(WebUtility.HtmlEncode(text)).Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</table>");
    }

    /// <summary>report.json's <c>section.key</c> as an array, or null.</summary>
    public JsonArray? Rows(string section, string key) => Report[section] is JsonObject o ? o[key] as JsonArray : null;

    /// <summary>The metrics rows' values of <paramref name="key"/> against their step.</summary>
    public PlotSeries Series(string label, string key) =>
        new(label, Metrics.Where(m => m[key] is not null).Select(m => Num(m["step"])).ToArray(),
            Metrics.Where(m => m[key] is not null).Select(m => Num(m[key])).ToArray());

    public bool HasMetric(string key) => Metrics.Any(m => m[key] is not null);

    public static double Num(JsonNode? n) => n is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN;
}
