using System.Text.Json.Nodes;

namespace Jepa.Evaluation.ReportSections;

/// <summary>eval --task predict: the ratio per level and horizon, the predict and collapse tables, retrieval, PCA and retrieval pictures.</summary>
public sealed class PredictReportSection : IReportSection
{
    public string Title => "Prediction against persistence";

    public IReadOnlyList<string> Plots => ["predict_ratio"];

    public void Write(ReportPage page)
    {
        var rows = page.Rows("predict", "levels");
        page.Plot("predict_ratio", "Predict ratio per level and horizon", rows is { Count: > 0 }
            ? ReportPlots.Bars("Prediction error / persistence error (< 1 is learning)", "ratio",
                rows.OfType<JsonObject>().Select(r => ($"level {r["level"]}", $"L{r["level"]} h{r["horizon"]}", ReportPage.Num(r["ratio"]))).ToList(), reference: 1)
            : null);
        page.Heading("Predict table", 3);
        page.Table(rows, ["level", "horizon", "model_l1", "persistence_l1", "ratio"]);
        page.Heading("Collapse monitor", 3);
        page.Table(page.Rows("collapse", "levels"), ["level", "dim", "effective_rank", "mean_std", "live_directions", "live_share"]);
        page.Heading("Retrieval of the true future frame", 3);
        page.Paragraph("For every level-1 prediction of every held-out clip, among every frame of the held-out clips less those the clip has shown: " +
            "how often the frame nearest to the prediction of t+k is the true frame t+k (top1), is among the 5 nearest (top5), or is a later frame of the same clip (same_clip); " +
            "chance is top1 by guessing.");
        page.Table(page.Rows("predict", "retrieval"), ["level", "horizon", "queries", "gallery", "top1", "top5", "same_clip", "chance"]);
        page.Pictures(page.Rows("predict", "pictures"), "PCA maps and retrievals");
    }
}
