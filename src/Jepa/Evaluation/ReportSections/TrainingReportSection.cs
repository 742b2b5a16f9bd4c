using System.Text.RegularExpressions;

namespace Jepa.Evaluation.ReportSections;

/// <summary>Curves of the run's metrics.jsonl: loss, learning rate, and the collapse monitor's rank and predict ratio over training.</summary>
public sealed partial class TrainingReportSection : IReportSection
{
    public string Title => "Training";

    public IReadOnlyList<string> Plots => ["loss", "learning_rate", "effective_rank", "predict_ratio_training"];

    public void Write(ReportPage page)
    {
        page.Plot("loss", "Loss per level", page.HasMetric("loss_level1")
            ? ReportPlots.Lines("Training loss per level", "step", "L1 loss", [page.Series("level 1", "loss_level1"), page.Series("level 2", "loss_level2")])
            : null);
        page.Plot("learning_rate", "Learning rate", page.HasMetric("lr")
            ? ReportPlots.Lines("Learning rate", "step", "lr", [page.Series("lr", "lr")])
            : null);
        page.Plot("effective_rank", "Effective rank and live directions over training", page.HasMetric("eval_rank_level1")
            ? ReportPlots.Lines("Effective rank of held-out embeddings", "step", "effective rank",
                [page.Series("level 1", "eval_rank_level1"), page.Series("level 2", "eval_rank_level2"),
                 // Live directions (std >= 0.05) see what the scale-free rank misses: a shrink towards one point. Absent in older runs.
                 page.Series("level 1 live directions", "eval_live_level1"), page.Series("level 2 live directions", "eval_live_level2")])
            : null);
        // eval_ratio_level{l}_h{k}: one curve per level and horizon, from the collapse monitor's rows.
        var ratios = page.Metrics.SelectMany(m => m.Select(p => p.Key)).Distinct()
            .Select(k => (Key: k, Match: RatioKey().Match(k))).Where(k => k.Match.Success)
            .OrderBy(k => int.Parse(k.Match.Groups[1].Value)).ThenBy(k => int.Parse(k.Match.Groups[2].Value)).ToList();
        page.Plot("predict_ratio_training", "Predict ratio over training", ratios.Count > 0
            ? ReportPlots.Lines("Prediction error / persistence error on held-out clips (< 1 is learning)", "step", "ratio",
                ratios.Select(r => page.Series($"level {r.Match.Groups[1].Value}, horizon {r.Match.Groups[2].Value}", r.Key)))
            : null);
    }

    [GeneratedRegex(@"^eval_ratio_level(\d+)_h(\d+)$")]
    private static partial Regex RatioKey();
}
