using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Jepa.Evaluation;

/// <summary>
/// Writes eval/report.html: one self-contained page (PNG plots embedded as data URIs, no network)
/// from eval/report.json and, when the eval folder sits in a run directory, its metrics.jsonl.
/// Each plot is also saved as a PNG beside it.
/// </summary>
public static class ReportHtml
{
    /// <summary>Names of the plots, in page order; a plot whose data is absent says so instead.</summary>
    public static readonly IReadOnlyList<string> PlotNames = ["loss", "learning_rate", "effective_rank", "predict_ratio", "surprise"];

    /// <summary>Writes <c>report.html</c> and the PNGs into <paramref name="evalDir"/>; returns the page's path.</summary>
    public static string Write(string evalDir)
    {
        var report = File.Exists(Path.Combine(evalDir, "report.json"))
            ? JsonNode.Parse(File.ReadAllText(Path.Combine(evalDir, "report.json"))) as JsonObject ?? new JsonObject()
            : new JsonObject();
        var metrics = ReadMetrics(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(evalDir))!, "metrics.jsonl"));
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>jepa report</title><style>")
            .Append("body{font-family:sans-serif;max-width:1000px;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}")
            .Append("</style></head><body><h1>jepa evaluation report</h1>");
        if (report["checkpoint"]?["path"]?.GetValue<string>() is { } checkpoint)
            html.Append(CultureInfo.InvariantCulture, $"<p>Checkpoint {WebUtility.HtmlEncode(checkpoint)}, step {report["step"]}.</p>");
        else if (report["step"] is { } step)
            html.Append(CultureInfo.InvariantCulture, $"<p>Checkpoint step {step}.</p>");

        foreach (var name in PlotNames)
        {
            var png = Plot(name, report, metrics);
            html.Append(CultureInfo.InvariantCulture, $"<h2>{Title(name)}</h2>");
            if (png is null)
            {
                html.Append("<p class=\"missing\">Not measured in this run.</p>");
                continue;
            }
            File.WriteAllBytes(Path.Combine(evalDir, name + ".png"), png);
            html.Append(CultureInfo.InvariantCulture, $"<img id=\"plot-{name}\" alt=\"{Title(name)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\">");
        }
        html.Append("<h2>Violation of expectation</h2>").Append(Table(report["voe"]?["levels"] as JsonArray,
            ["level", "statistic", "relative_accuracy", "auroc", "untrained_relative_accuracy", "pixel_relative_accuracy"]));
        if (report["voe"]?["by_event"] is JsonArray { Count: > 0 } byEvent)
            html.Append("<h3>By event, best level and statistic</h3>").Append(Table(byEvent,
                ["event", "pairs", "relative_accuracy", "untrained_relative_accuracy", "pixel_relative_accuracy"]));
        html.Append("<h2>Probes</h2>").Append(Table(report["probe"]?["labels"] as JsonArray,
            ["label", "level", "features", "probe", "accuracy", "random_encoder_accuracy", "chance"]));
        html.Append(PlanHtml.Section(evalDir, report));
        // Marks how many plots the browser decoded, so a headless browser can check the page (tests do).
        html.Append("<script>addEventListener('load',()=>{document.body.dataset.plotsDrawn=[...document.images].filter(i=>i.complete&&i.naturalWidth>0).length})</script>");
        html.Append("</body></html>");
        var path = Path.Combine(evalDir, "report.html");
        File.WriteAllText(path, html.ToString());
        return path;
    }

    private static byte[]? Plot(string name, JsonObject report, List<JsonObject> metrics)
    {
        PlotSeries Series(string label, string key) =>
            new(label, metrics.Where(m => m[key] is not null).Select(m => Num(m["step"])).ToArray(),
                metrics.Where(m => m[key] is not null).Select(m => Num(m[key])).ToArray());
        bool Has(string key) => metrics.Any(m => m[key] is not null);
        switch (name)
        {
            case "loss" when Has("loss_level1"):
                return ReportPlots.Lines("Training loss per level", "step", "L1 loss", [Series("level 1", "loss_level1"), Series("level 2", "loss_level2")]);
            case "learning_rate" when Has("lr"):
                return ReportPlots.Lines("Learning rate", "step", "lr", [Series("lr", "lr")]);
            case "effective_rank" when Has("eval_rank_level1"):
                return ReportPlots.Lines("Effective rank of held-out embeddings", "step", "effective rank",
                    [Series("level 1", "eval_rank_level1"), Series("level 2", "eval_rank_level2")]);
            case "predict_ratio" when Section(report, "predict", "levels") is { } rows:
                return ReportPlots.Lines("Prediction error / persistence error per horizon (< 1 is learning)", "horizon", "ratio",
                    rows.GroupBy(r => Num(r!["level"])).Select(g => new PlotSeries($"level {g.Key}",
                        g.Select(r => Num(r!["horizon"])).ToArray(), g.Select(r => Num(r!["ratio"])).ToArray())));
            case "surprise" when Section(report, "voe", "curves") is { Count: > 0 } curves:
                return ReportPlots.Lines("Surprise over time (level 1, token mean)", "frame", "prediction error",
                    curves.Select(c => new PlotSeries(Path.GetFileNameWithoutExtension((string?)c!["clip"]) ?? "",
                        ((JsonArray)c["level1"]!).Select((_, i) => (double)i).ToArray(),
                        ((JsonArray)c["level1"]!).Select(v => v is null ? double.NaN : Num(v)).ToArray())));
            default:
                return null;
        }
    }

    private static string Title(string name) => name switch
    {
        "loss" => "Loss per level",
        "learning_rate" => "Learning rate",
        "effective_rank" => "Effective rank over training",
        "predict_ratio" => "Predict ratio per horizon",
        _ => "Surprise curves",
    };

    private static string Table(JsonArray? rows, string[] columns)
    {
        if (rows is null || rows.Count == 0) return "<p class=\"missing\">Not measured.</p>";
        var sb = new StringBuilder("<table><tr>");
        foreach (var c in columns) sb.Append("<th>").Append(WebUtility.HtmlEncode(c)).Append("</th>");
        sb.Append("</tr>");
        foreach (var r in rows)
        {
            sb.Append("<tr>");
            foreach (var c in columns)
            {
                var v = r?[c];
                string text = v is JsonValue jv && jv.TryGetValue<double>(out var d) && d != Math.Floor(d) ? d.ToString("F3", CultureInfo.InvariantCulture) : v?.ToString() ?? "";
                sb.Append("<td>").Append(WebUtility.HtmlEncode(text)).Append("</td>");
            }
            sb.Append("</tr>");
        }
        return sb.Append("</table>").ToString();
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

    private static JsonArray? Section(JsonObject report, string section, string key) =>
        report[section] is JsonObject o ? o[key] as JsonArray : null;

    private static double Num(JsonNode? n) => n is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN;
}
