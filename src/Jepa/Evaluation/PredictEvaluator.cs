using Jepa.Data;
using Jepa.Evaluation.Pictures;
using Jepa.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Jepa.Evaluation;

/// <summary>
/// "Does the model know more than *nothing moves*?" For each level and horizon: L1 of the prediction
/// against the target embedding, and of the persistence baseline (the target of the last seen step).
/// Plus effective rank, mean per-dimension std and live directions of each level's online embeddings.
/// </summary>
public static class PredictEvaluator
{
    // Rows kept for the SVD of each level: enough for a stable rank of a few hundred dims, cheap on CPU.
    private const int MaxRowsForRank = 8192;

    /// <param name="picturesDir">where to write the PCA and retrieval pictures (and score retrieval); null for none (training's monitor)</param>
    /// <param name="fps">frame rate of the clips, for the animation</param>
    public static PredictReport Evaluate(HJepa model, Corpus corpus, IReadOnlyList<ClipRef> clips, int batchSize, long step, Device device,
        string? picturesDir = null, double fps = 8, IProgress<WorkProgress>? progress = null)
    {
        model.eval();
        int frames = model.Frames, size = model.Size;
        int levels = 2;
        var horizons = new[] { model.Spec.Horizon, model.Spec.Level2Horizon };
        var modelSum = new double[levels][];
        var persistSum = new double[levels][];
        for (int l = 0; l < levels; l++)
        {
            modelSum[l] = new double[horizons[l]];
            persistSum[l] = new double[horizons[l]];
        }
        var embeddings = new List<Tensor>[] { [], [] };
        // An action-conditioned model is also run with each clip's actions replaced by another clip's.
        var actions = model.Spec.ActionDim > 0 ? ClipActions.Load(new CorpusClipSource(corpus), model.Spec.ActionDim, "the held-out videos") : null;
        var shuffledSum = new double[horizons[0]];
        // For the pictures: level-1 targets of every clip (the retrieval gallery), predictions per horizon, online tokens of the first clips.
        var gallery = new List<Tensor>();
        var predicted = Enumerable.Range(0, horizons[0]).Select(_ => new List<Tensor>()).ToArray();
        var shownOnline = new List<Tensor>();
        int batches = (clips.Count + batchSize - 1) / batchSize;
        var counter = new StageCounter(progress, "predict", clips.Count, "clips");

        using (no_grad())
        {
            for (int start = 0; start < clips.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                int b = Math.Min(batchSize, clips.Count - start);
                var bytes = new byte[b * frames * size * size * 3];
                for (int i = 0; i < b; i++) BatchLoader.CopyClip(corpus, clips[start + i], frames, bytes, i);
                var input = ClipTensors.ToInput(bytes, b, frames, size, device);
                var clipActions = actions?.For(clips.Skip(start).Take(b).ToList(), frames, device);
                var output = model.Forward(input, clipActions);
                if (picturesDir is not null)
                {
                    var level1 = output.Level1;
                    gallery.Add(level1.Targets.cpu().DetachFromDisposeScope());
                    for (int k = 1; k <= horizons[0]; k++) predicted[k - 1].Add(level1.Predictions[k - 1].cpu().DetachFromDisposeScope());
                    if (start < PredictPictures.Shown)
                        shownOnline.Add(level1.Online.narrow(0, 0, Math.Min(b, PredictPictures.Shown - start)).cpu().DetachFromDisposeScope());
                }
                if (clipActions is not null)
                {
                    // Another clip's actions (the next in the batch; a lone clip gets its own reversed in time).
                    var shuffled = b > 1 ? clipActions.roll(1, 0) : clipActions.flip(1);
                    var wrong = model.Forward(input, shuffled).Level1;
                    for (int k = 1; k <= horizons[0]; k++)
                        shuffledSum[k - 1] += b * nn.functional.l1_loss(wrong.Predictions[k - 1], wrong.TargetFor(k)).item<float>();
                }
                for (int l = 0; l < levels; l++)
                {
                    var level = output.Levels[l];
                    for (int k = 1; k <= horizons[l]; k++)
                    {
                        // Sums weighted by batch size, so the mean is over clips whatever the last batch's size.
                        modelSum[l][k - 1] += b * nn.functional.l1_loss(level.Predictions[k - 1], level.TargetFor(k)).item<float>();
                        persistSum[l][k - 1] += b * nn.functional.l1_loss(level.PersistenceFor(k), level.TargetFor(k)).item<float>();
                    }
                    // An even share of rows from every batch, strided, so all clips count in the rank.
                    var flat = level.Online.reshape(-1, level.Online.shape[^1]);
                    long share = Math.Max(1, MaxRowsForRank / batches);
                    long stride = Math.Max(1, (flat.shape[0] + share - 1) / share);
                    embeddings[l].Add(flat.slice(0, 0, flat.shape[0], stride).cpu().DetachFromDisposeScope());
                }
                counter.Add(b);
            }
        }

        List<ReportPicture>? pictures = null;
        List<RetrievalRow>? retrieval = null;
        if (picturesDir is not null)
        {
            using var scope = NewDisposeScope();
            var targets = cat(gallery, 0);
            var predictions = predicted.Select(p => cat(p, 0)).ToArray();
            retrieval = PredictPictures.Score(targets, predictions);
            using var pca = PcaColours.Fit(cat(embeddings[0], 0));
            pictures = PredictPictures.Write(picturesDir, corpus, clips, pca, cat(shownOnline, 0), targets, predictions, fps);
            foreach (var t in gallery.Concat(predicted.SelectMany(p => p)).Concat(shownOnline)) t.Dispose();
        }

        var predict = new List<PredictRow>();
        var collapse = new List<CollapseRow>();
        for (int l = 0; l < levels; l++)
        {
            for (int k = 1; k <= horizons[l]; k++)
            {
                double m = modelSum[l][k - 1] / clips.Count, p = persistSum[l][k - 1] / clips.Count;
                predict.Add(new PredictRow(l + 1, k, m, p, p > 0 ? m / p : double.NaN));
            }
            using var all = cat(embeddings[l], 0);
            collapse.Add(new CollapseRow(l + 1, (int)all.shape[1], EmbeddingStats.EffectiveRank(all), EmbeddingStats.MeanStd(all),
                EmbeddingStats.LiveDirections(all)));
            foreach (var e in embeddings[l]) e.Dispose();
        }
        model.train();
        var actionRows = actions is null ? null : new ActionSection(predict.Where(r => r.Level == 1)
            .Select(r => new ActionRow(r.Horizon, r.Ratio, shuffledSum[r.Horizon - 1] / clips.Count / r.PersistenceL1)).ToList());
        return new PredictReport(new PredictSection(predict, retrieval, pictures), new CollapseSection(collapse), clips.Count, step, actionRows);
    }
}
