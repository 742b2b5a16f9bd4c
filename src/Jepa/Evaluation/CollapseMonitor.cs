using Jepa.Config;
using Jepa.Data;
using Jepa.Models;
using Serilog;
using static TorchSharp.torch;

namespace Jepa.Evaluation;

/// <summary>
/// The collapse monitor of a training run: every <c>eval.every</c> steps, on one fixed batch of
/// held-out clips, each level's effective rank, mean per-dim std and live directions of the online
/// embeddings and the predict ratio per horizon; a warning when the effective rank or the live directions
/// fall below <c>eval.min_rank_share</c> of dim. The effective rank is scale-free and misses embeddings
/// that shrink towards one point (train.objective none); the live directions (std ≥
/// <see cref="EmbeddingStats.DeadStd"/>) catch that.
/// Called from the training loop; depends on nothing in Training, so the layers stay acyclic.
/// </summary>
public sealed class CollapseMonitor
{
    private readonly Corpus corpus;
    private readonly IReadOnlyList<ClipRef> clips;
    private readonly EvalConfig eval;
    private readonly Device device;
    private readonly ILogger log;

    private CollapseMonitor(Corpus corpus, IReadOnlyList<ClipRef> clips, EvalConfig eval, Device device, ILogger log)
    {
        this.corpus = corpus;
        this.clips = clips;
        this.eval = eval;
        this.device = device;
        this.log = log;
    }

    /// <summary>
    /// Decodes data.val and fixes the batch (the first <c>eval.batch_size</c> evaluation clips); null
    /// when no measurement would happen (eval.every is 0 or more than train.steps), so such runs need no data.val.
    /// </summary>
    public static async Task<CollapseMonitor?> CreateAsync(JepaConfig config, Device device, ILogger log, CancellationToken ct)
    {
        if (config.Eval.Every <= 0 || config.Eval.Every > config.Train.Steps) return null;
        var corpus = await Corpus.LoadAsync(config.Data.Val, "data.val", config.Data, log, ct);
        var clips = EvalClips.Select(corpus, config.Data.Frames, config.Eval.BatchSize);
        return new CollapseMonitor(corpus, clips, config.Eval, device, log);
    }

    /// <summary>True when step (1-based) is a measurement step.</summary>
    public bool Due(long step) => step % eval.Every == 0;

    /// <summary>
    /// Measures the model and returns the metrics.jsonl row: <c>eval_rank_level{l}</c>,
    /// <c>eval_rank_share_level{l}</c>, <c>eval_std_level{l}</c>, <c>eval_live_level{l}</c>,
    /// <c>eval_live_share_level{l}</c>, <c>eval_ratio_level{l}_h{k}</c>.
    /// </summary>
    public Dictionary<string, double> Measure(HJepa model, long step)
    {
        var report = PredictEvaluator.Evaluate(model, corpus, clips, eval.BatchSize, step, device);
        var row = new Dictionary<string, double> { ["step"] = step };
        foreach (var c in report.Collapse.Levels)
        {
            double share = c.EffectiveRank / c.Dim;
            row[$"eval_rank_level{c.Level}"] = c.EffectiveRank;
            row[$"eval_rank_share_level{c.Level}"] = share;
            row[$"eval_std_level{c.Level}"] = c.MeanStd;
            row[$"eval_live_level{c.Level}"] = c.LiveDirections;
            row[$"eval_live_share_level{c.Level}"] = c.LiveShare;
            if (c.LiveShare < eval.MinRankShare)
                log.Warning("Collapse warning at step {Step}: level {Level} has {Live} of {Dim} directions ({Share:P0}) spreading with std >= {Floor} (mean per-dim std {Std:G3}), below eval.min_rank_share {Min:P0}: the embeddings are shrinking towards one point; use an objective that prevents it (train.objective ema, vicreg, barlow, infonce) or VICReg terms (train.loss.variance/covariance)",
                    step, c.Level, c.LiveDirections, c.Dim, c.LiveShare, c.DeadStd, c.MeanStd, eval.MinRankShare);
            if (share < eval.MinRankShare)
                log.Warning("Collapse warning at step {Step}: level {Level} effective rank {Rank:F1} is {Share:P0} of dim {Dim}, below eval.min_rank_share {Min:P0}; consider VICReg terms (train.loss.variance/covariance) or a slower EMA",
                    step, c.Level, c.EffectiveRank, share, c.Dim, eval.MinRankShare);
        }
        foreach (var p in report.Predict.Levels)
            row[$"eval_ratio_level{p.Level}_h{p.Horizon}"] = p.Ratio;
        log.Information("Collapse monitor at step {Step}: rank {Rank1:F1} / {Rank2:F1}, live directions {Live1} / {Live2}, ratio {Ratio:F3} (level 1, h1)",
            step, row["eval_rank_level1"], row["eval_rank_level2"], row["eval_live_level1"], row["eval_live_level2"], row["eval_ratio_level1_h1"]);
        return row;
    }
}
