using System.Globalization;
using System.Text.Json.Serialization;
using Jepa.Data;
using static TorchSharp.torch;

namespace Jepa.Evaluation.Pictures;

/// <summary>
/// How often the gallery frame nearest to a level-1 prediction of frame t+k is the true one (top1), is among
/// the 5 nearest (top5), or is some later frame of the same clip (same_clip); chance is top1 by guessing.
/// </summary>
public sealed record RetrievalRow(
    [property: JsonPropertyName("level")] int Level,
    [property: JsonPropertyName("horizon")] int Horizon,
    [property: JsonPropertyName("queries")] int Queries,
    [property: JsonPropertyName("gallery")] int Gallery,
    [property: JsonPropertyName("top1")] double Top1,
    [property: JsonPropertyName("top5")] double Top5,
    [property: JsonPropertyName("same_clip")] double SameClip,
    [property: JsonPropertyName("chance")] double Chance);

/// <summary>
/// The predict task's pictures: PCA colours of level-1 tokens beside the frames, and what the predictor
/// expects (the nearest gallery frame to its prediction) beside the true future. The gallery is every
/// frame of the held-out clips, embedded by the target encoder.
/// </summary>
public static class PredictPictures
{
    /// <summary>Held-out clips shown in each picture (the first ones: one per video, EvalClips goes round-robin).</summary>
    public const int Shown = 4;

    // Cell outlines in the retrieval picture: the true frame, another later frame of the same clip, a frame of another clip.
    private static readonly (byte, byte, byte) Hit = (0, 170, 0), SameClip = (230, 140, 0), Other = (70, 110, 220);

    /// <summary>
    /// Retrieval of the true frame t+k for every prediction of every held-out clip. The gallery is every
    /// frame of every clip, less the frames the query has seen (its clip's frames ≤ t): the last seen frame
    /// would otherwise win whenever the prediction is near persistence, and say nothing of what is expected.
    /// </summary>
    /// <param name="targets">[C, T, N, D] level-1 targets of the held-out clips: the gallery, G = C·T</param>
    /// <param name="predictions">per horizon k: [C, T−k, N, D], made from frames ≤ t for frame t+k</param>
    public static List<RetrievalRow> Score(Tensor targets, IReadOnlyList<Tensor> predictions)
    {
        using var scope = NewDisposeScope();
        long c = targets.shape[0], t = targets.shape[1];
        var gallery = targets.reshape(c * t, -1);
        var rows = new List<RetrievalRow>();
        for (int k = 1; k <= predictions.Count; k++)
        {
            long steps = t - k;
            if (steps <= 0) continue;
            var queries = Enumerable.Range(0, (int)(c * steps)).Select(i => (Clip: i / steps, Step: i % steps)).ToArray();
            var top = Retrieval.Top(predictions[k - 1].reshape(c * steps, -1), gallery, 5, Seen(queries, c, t));
            int hits = 0, top5 = 0, same = 0;
            double chance = 0;
            for (int i = 0; i < queries.Length; i++)
            {
                var (clip, step) = queries[i];
                long truth = clip * t + step + k;
                if (top[i][0] == truth) hits++;
                if (top[i].Contains(truth)) top5++;
                if (top[i][0] / t == clip) same++;
                chance += 1.0 / (c * t - step - 1);
            }
            rows.Add(new RetrievalRow(1, k, queries.Length, (int)(c * t), (double)hits / queries.Length, (double)top5 / queries.Length,
                (double)same / queries.Length, chance / queries.Length));
        }
        return rows;
    }

    // [Q, G] bool: true where the gallery frame is one the query has seen (its clip, frames ≤ its step).
    private static Tensor Seen(IReadOnlyList<(long Clip, long Step)> queries, long clips, long frames)
    {
        var mask = new bool[queries.Count * clips * frames];
        for (int i = 0; i < queries.Count; i++)
            for (long f = 0; f <= queries[i].Step; f++)
                mask[i * clips * frames + queries[i].Clip * frames + f] = true;
        return tensor(mask, [queries.Count, clips * frames]);
    }

    /// <summary>Writes the PCA and retrieval pictures into <paramref name="dir"/>; returns them as the report lists them.</summary>
    /// <param name="online">[≥Shown, T, N, D] level-1 online tokens of the first clips</param>
    /// <param name="targets">[C, T, N, D] level-1 targets of every held-out clip (the gallery)</param>
    /// <param name="predictions">per horizon k: [C, T−k, N, D]</param>
    public static List<ReportPicture> Write(string dir, Corpus corpus, IReadOnlyList<ClipRef> clips, PcaColours pca,
        Tensor online, Tensor targets, IReadOnlyList<Tensor> predictions, double fps)
    {
        Directory.CreateDirectory(dir);
        using var scope = NewDisposeScope();
        int frames = (int)targets.shape[1], size = corpus.Videos[0].Frames.Size, shown = Math.Min(Shown, (int)online.shape[0]);
        RgbImage Frame(int clip, int f) => RgbImage.Frame(corpus.Videos[clips[clip].Video].Frames, clips[clip].Start + f);
        string Name(int clip) => $"{Path.GetFileNameWithoutExtension(corpus.Videos[clips[clip].Video].Entry.Path)}, frame {clips[clip].Start}";
        var pictures = new List<ReportPicture>();

        // PCA maps: a row of frames, a row of their token colours, per clip; and the same as an animation.
        var sheet = new PictureSheet(Enumerable.Range(0, frames).Select(f => $"frame {f}").ToArray(), labelWidth: 190);
        var animationRows = new List<RgbImage[]>();
        for (int i = 0; i < shown; i++)
        {
            var maps = pca.Maps(online[i], size);
            var row = Enumerable.Range(0, frames).Select(f => Frame(i, f)).ToArray();
            sheet.AddRow(Name(i), row, gapAbove: i > 0);
            sheet.AddRow("PCA of level-1 tokens", maps);
            animationRows.Add(Enumerable.Range(0, frames).Select(f => Animation.Row([row[f], maps[f]], gap: 2)).ToArray());
        }
        File.WriteAllBytes(Path.Combine(dir, PictureFiles.PcaMaps), sheet.ToPng());
        pictures.Add(new ReportPicture("pca_maps", PictureFiles.PcaMaps, "PCA maps of level-1 tokens",
            $"The first three principal components of the online level-1 tokens (fitted on {pca.FittedRows} tokens of the held-out clips) as red, green and blue, " +
            "bilinearly upsampled from the token grid over each frame. Tokens the model represents alike get alike colours (background, scenery and moving objects apart, when it has learned them)."));
        var animation = Enumerable.Range(0, frames).Select(f => Animation.Column(animationRows.Select(r => r[f]).ToArray(), gap: 2)).ToArray();
        File.WriteAllBytes(Path.Combine(dir, PictureFiles.PcaAnimation), Animation.Apng(animation, Math.Max(2, fps)));
        pictures.Add(new ReportPicture("pca_animation", PictureFiles.PcaAnimation, "PCA maps, animated",
            $"The same clips at {Math.Max(2, fps).ToString("G3", CultureInfo.InvariantCulture)} frames per second: each frame beside its PCA colours."));

        // Retrievals: context frames, then per horizon the true frame and the gallery frame nearest to the prediction.
        int horizons = predictions.Count, t = frames - 1 - horizons;
        if (t >= 0)
        {
            var columns = new List<string>();
            for (int f = Math.Max(0, t - 2); f < t; f++) columns.Add($"seen t-{t - f}");
            columns.Add("last seen t");
            for (int k = 1; k <= horizons; k++)
            {
                columns.Add($"true t+{k}");
                columns.Add($"expected t+{k}");
            }
            var retrievals = new PictureSheet(columns, labelWidth: 190);
            var gallery = targets.reshape(targets.shape[0] * frames, -1);
            for (int i = 0; i < shown; i++)
            {
                var cells = new List<RgbImage?>();
                for (int f = Math.Max(0, t - 2); f <= t; f++) cells.Add(Frame(i, f));
                for (int k = 1; k <= horizons; k++)
                {
                    long nearest = Retrieval.Nearest(predictions[k - 1][i, t].unsqueeze(0), gallery, Seen([(i, t)], gallery.shape[0] / frames, frames))[0];
                    int clip = (int)(nearest / frames), f = (int)(nearest % frames);
                    var colour = nearest == (long)i * frames + t + k ? Hit : clip == i ? SameClip : Other;
                    cells.Add(Frame(i, t + k));
                    cells.Add(Frame(clip, f).Framed(colour, 3));
                }
                retrievals.AddRow(Name(i), cells, gapAbove: i > 0);
            }
            File.WriteAllBytes(Path.Combine(dir, PictureFiles.Retrievals), retrievals.ToPng());
            pictures.Add(new ReportPicture("retrievals", PictureFiles.Retrievals, "What the predictor expects",
                $"For each clip, the frames seen up to t, then for every horizon k the true frame t+k beside the frame of the gallery ({gallery.shape[0]} frames: every frame of the held-out clips, " +
                "target-encoded, less the frames this clip has shown up to t) whose embedding is nearest to the level-1 prediction of t+k. " +
                "Outline: green, the true frame; orange, another later frame of the same clip; blue, a frame of another clip."));
        }
        return pictures;
    }
}
