using Jepa.Models;
using static TorchSharp.torch;

namespace Jepa.Evaluation;

/// <summary>
/// Frozen features of a model for probes, per level and kind, all on the CPU:
/// <c>encoder</c> (online embeddings, every step's tokens), <c>motion</c> (absolute change of the
/// embeddings between consecutive steps: what speed needs, as the design's experiments found) and
/// <c>context</c> (the predictor's output tokens at the last context step).
/// </summary>
public static class ProbeFeatures
{
    /// <summary>Kinds of features, in report order.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["encoder", "motion", "context"];

    /// <returns>[level-1][kind] tokens [M, tokens, D] for the M clips</returns>
    /// <param name="counter">told of every clip done; null for none</param>
    public static Tensor[][] Extract(HJepa model, IReadOnlyList<Video.DecodedFrames> clips, int batchSize, Device device, StageCounter? counter = null)
    {
        int t = model.Frames, size = model.Size;
        var parts = Enumerable.Range(0, 2).Select(_ => Kinds.Select(_ => new List<Tensor>()).ToArray()).ToArray();
        model.eval();
        using (no_grad())
        {
            for (int first = 0; first < clips.Count; first += batchSize)
            {
                using var scope = NewDisposeScope();
                int b = Math.Min(batchSize, clips.Count - first);
                var bytes = new byte[b * t * size * size * 3];
                for (int i = 0; i < b; i++) SurpriseScorer.Copy(clips[first + i], 0, t, bytes, i);
                var output = model.Forward(Data.ClipTensors.ToInput(bytes, b, t, size, device));
                for (int l = 0; l < 2; l++)
                {
                    var level = output.Levels[l];
                    var z = level.Online;                                   // [B, S, N, D]
                    long s = z.shape[1], d = z.shape[3];
                    var motion = (z.narrow(1, 1, s - 1) - z.narrow(1, 0, s - 1)).abs(); // [B, S-1, N, D]
                    var context = level.Predictions[0].select(1, s - 2);   // [B, N, D]: made from steps ≤ S-2
                    parts[l][0].Add(z.reshape(b, -1, d).cpu().DetachFromDisposeScope());
                    parts[l][1].Add(motion.reshape(b, -1, d).cpu().DetachFromDisposeScope());
                    parts[l][2].Add(context.cpu().DetachFromDisposeScope());
                }
                counter?.Add(b);
            }
        }
        model.train();
        return parts.Select(level => level.Select(list =>
        {
            var all = cat(list, 0);
            foreach (var x in list) x.Dispose();
            return all;
        }).ToArray()).ToArray();
    }
}
