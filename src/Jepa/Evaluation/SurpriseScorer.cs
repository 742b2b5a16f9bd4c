using Jepa.Data;
using Jepa.Models;
using Jepa.Video;
using static TorchSharp.torch;

namespace Jepa.Evaluation;

/// <summary>
/// Surprise over time of whole videos. A video longer than the model's clip is scored through
/// windows of the model's length sliding by one frame: the first window scores all its frames, each
/// later window only its last frame (or chunk), which it predicts from the longest context there is.
/// Frames predicted from fewer than <c>minContext</c> frames are not scored: from one or two frames a
/// model cannot know a speed or an acceleration, and those first errors would drown every later event.
/// </summary>
public static class SurpriseScorer
{
    /// <summary>
    /// Level-1 and level-2 surprise of every video, from prediction errors (L1 over channels): of
    /// embeddings, or for a model of train.objective pixel of its normalised pixel patches. With
    /// <paramref name="horizons"/> 1 a step's error is that of its prediction from the step before; with
    /// more, the mean error of its predictions from 1..horizons steps back (each level capped at the
    /// horizons it was trained with, each prediction counted only where it saw <paramref name="minContext"/>
    /// frames): a prediction made before an object went behind a screen still expects it to come out.
    /// </summary>
    /// <returns>[video][level-1] curves, one value per frame of the video; level 1's with its per-token map</returns>
    public static SurpriseCurve[][] Model(HJepa model, IReadOnlyList<DecodedFrames> videos, int batchSize, Device device, int minContext = 1,
        StageCounter? counter = null, int horizons = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizons, 1);
        int t = model.Frames, size = model.Size, chunk = model.Spec.Chunk;
        int tokens = Encoders.Level1Tokens(model.Spec, size);
        var curves = videos.Select(v => new[]
        {
            SurpriseCurve.Empty(v.Count) with { TokenMap = Enumerable.Repeat(float.NaN, v.Count * tokens).ToArray(), Tokens = tokens },
            SurpriseCurve.Empty(v.Count),
        }).ToArray();
        var windows = videos.SelectMany((v, i) => Enumerable.Range(0, v.Count - t + 1).Select(w => (Video: i, Start: w))).ToList();
        model.eval();
        using (no_grad())
        {
            for (int first = 0; first < windows.Count; first += batchSize)
            {
                using var scope = NewDisposeScope();
                var batch = windows.Skip(first).Take(batchSize).ToList();
                var bytes = new byte[batch.Count * t * size * size * 3];
                for (int i = 0; i < batch.Count; i++)
                    Copy(videos[batch[i].Video], batch[i].Start, t, bytes, i);
                var output = model.Forward(ClipTensors.ToInput(bytes, batch.Count, t, size, device));
                for (int l = 0; l < 2; l++)
                {
                    var level = output.SurpriseLevels[l]; // pixel objective: its pixel prediction error
                    int span = l == 0 ? 1 : chunk;
                    var (error, pooledError, scored) = Errors(level, span, minContext, horizons);
                    var mean = error.mean([-1]).cpu().data<float>().ToArray();          // [B, S-1]
                    var max = error.amax([-1]).cpu().data<float>().ToArray();           // [B, S-1]
                    var pooled = pooledError.cpu().data<float>().ToArray();             // [B, S-1]
                    var perToken = l == 0 ? error.cpu().data<float>().ToArray() : null; // [B, S-1, N]
                    int steps = (int)error.shape[1], n = (int)error.shape[2];
                    for (int i = 0; i < batch.Count; i++)
                    {
                        var (video, start) = batch[i];
                        // Step s+1 of the window ends at frame start + (s+1)·span + span − 1.
                        for (int s = start == 0 ? 0 : steps - 1; s < steps; s++)
                        {
                            int frame = start + (s + 1) * span + span - 1;
                            if (!scored[s]) continue; // no prediction of it saw minContext frames
                            curves[video][l].TokenMean[frame] = mean[i * steps + s];
                            curves[video][l].TokenMax[frame] = max[i * steps + s];
                            curves[video][l].Pooled[frame] = pooled[i * steps + s];
                            if (perToken is not null && n == tokens)
                                Array.Copy(perToken, (i * steps + s) * n, curves[video][l].TokenMap!, frame * n, n);
                        }
                    }
                }
                counter?.Add(batch.Count);
            }
        }
        model.train();
        return curves;
    }

    /// <summary>
    /// Per target step 1..S-1 of a window: the per-token error [B, S-1, N] and pooled error [B, S-1],
    /// each the mean over the horizons k ≤ <paramref name="horizons"/> whose prediction of that step (made
    /// from step s = step − k, having seen (s+1)·span frames) saw at least <paramref name="minContext"/>
    /// frames; and whether any did. With one horizon these are exactly the horizon-1 errors.
    /// </summary>
    internal static (Tensor Error, Tensor Pooled, bool[] Scored) Errors(LevelOutput level, int span, int minContext, int horizons)
    {
        int steps = (int)level.Targets.shape[1] - 1;
        int from = Math.Max(0, (minContext + span - 1) / span - 1); // first step s whose prediction saw minContext frames
        var counts = new int[steps];
        var h1 = level.Predictions[0];
        Tensor error = zeros(h1.shape[0], steps, h1.shape[2], device: h1.device), pooled = zeros(h1.shape[0], steps, device: h1.device);
        for (int k = 1; k <= Math.Min(horizons, level.Predictions.Length); k++)
        {
            int length = steps + 1 - k - from; // predictions of steps from+k .. S-1
            if (length <= 0) continue;
            var prediction = level.Predictions[k - 1].narrow(1, from, length);
            var target = level.TargetFor(k).narrow(1, from, length);
            var e = (prediction - target).abs().mean([-1]);                                   // [B, length, N]
            var p = (prediction.mean([-2]) - target.mean([-2])).abs().mean([-1]);             // [B, length]
            int at = from + k - 1; // index of step from+k among steps 1..S-1
            error.narrow(1, at, length).add_(e);
            pooled.narrow(1, at, length).add_(p);
            for (int s = at; s < at + length; s++)
                counts[s]++;
        }
        if (counts.Any(c => c > 1))
        {
            var divisor = tensor(counts.Select(c => (float)Math.Max(1, c)).ToArray(), device: error.device).reshape(1, steps);
            error = error / divisor.unsqueeze(-1);
            pooled = pooled / divisor;
        }
        return (error, pooled, counts.Select(c => c > 0).ToArray());
    }

    /// <summary>Frames start..start+frames−1 of a video into slot <paramref name="slot"/> of a uint8 batch.</summary>
    internal static void Copy(DecodedFrames video, int start, int frames, byte[] batch, int slot)
    {
        int n = frames * video.FrameBytes;
        video.Rgb.AsSpan(start * video.FrameBytes, n).CopyTo(batch.AsSpan(slot * n, n));
    }

    /// <summary>
    /// The pixel baseline: mean absolute difference of consecutive frames (0..1), averaged over the
    /// frame, as the max over a <paramref name="grid"/>×<paramref name="grid"/> grid of patches (the model's token grid),
    /// and pooled: the difference of the frames' mean colours.
    /// </summary>
    public static SurpriseCurve Pixel(DecodedFrames video, int grid, int minContext = 1)
    {
        var curve = SurpriseCurve.Empty(video.Count);
        int size = video.Size, patch = Math.Max(1, size / grid);
        for (int f = Math.Max(1, minContext); f < video.Count; f++)
        {
            var a = video.Frame(f - 1);
            var b = video.Frame(f);
            var sums = new double[grid * grid];
            var colour = new double[3];
            double total = 0;
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    int k = (y * size + x) * 3;
                    double d = (Math.Abs(a[k] - b[k]) + Math.Abs(a[k + 1] - b[k + 1]) + Math.Abs(a[k + 2] - b[k + 2])) / (3 * 255.0);
                    total += d;
                    for (int ch = 0; ch < 3; ch++) colour[ch] += b[k + ch] - a[k + ch];
                    sums[Math.Min(grid - 1, y / patch) * grid + Math.Min(grid - 1, x / patch)] += d;
                }
            curve.TokenMean[f] = total / (size * size);
            curve.TokenMax[f] = sums.Max() / (patch * patch);
            curve.Pooled[f] = colour.Sum(Math.Abs) / (3 * 255.0 * size * size);
        }
        return curve;
    }
}
