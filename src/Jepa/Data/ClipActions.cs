using Jepa.Config;
using Jepa.Video;
using static TorchSharp.torch;

namespace Jepa.Data;

/// <summary>
/// The recorded actions of every video a clip source serves (<see cref="ActionFile"/> beside each),
/// to cut the same frames as the clips: a clip starting at frame s of T frames gets actions s..s+T-1.
/// Frames are counted at the training fps, so it must be the rate the actions were recorded at.
/// </summary>
public sealed class ClipActions
{
    private readonly float[][][] actions; // [video][frame][A]

    private ClipActions(float[][][] actions, int dim)
    {
        this.actions = actions;
        Dim = dim;
    }

    /// <summary>Numbers per action.</summary>
    public int Dim { get; }

    /// <summary>
    /// Reads the action file of each video; a missing or short one, or one with another number of
    /// action columns than <paramref name="dim"/>, stops with a sentence naming the file and <paramref name="key"/>.
    /// </summary>
    public static ClipActions Load(IClipSource source, int dim, string key)
    {
        var all = new float[source.FrameCounts.Count][][];
        for (int v = 0; v < all.Length; v++)
        {
            var video = source.PathOf(v);
            var file = ActionFile.Read(ActionFile.PathFor(video));
            if (file.ActionColumns.Count != dim)
                throw new UsageException($"{ActionFile.PathFor(video)} has {file.ActionColumns.Count} action columns but model.action_dim is {dim}; set model.action_dim to {file.ActionColumns.Count} or point {key} at other videos.");
            // Decoded frames at data.fps must be the recorded frames: a count that differs means another rate.
            if (Math.Abs(file.Count - source.FrameCounts[v]) > 1)
                throw new UsageException($"{video} decodes to {source.FrameCounts[v]} frames at data.fps but its action file has {file.Count} rows; set data.fps to the rate the videos were made at (jepa synth --fps).");
            all[v] = file.Actions;
        }
        return new ClipActions(all, dim);
    }

    /// <summary>The actions of each clip's frames, [B, T, A] float on <paramref name="device"/>.</summary>
    public Tensor For(IReadOnlyList<ClipRef> clips, int frames, Device device)
    {
        var flat = new float[clips.Count * frames * Dim];
        for (int i = 0; i < clips.Count; i++)
        {
            var video = actions[clips[i].Video];
            for (int f = 0; f < frames; f++)
            {
                // A padded clip past the video's end repeats its last frame: no action there.
                if (clips[i].Start + f >= video.Length) continue;
                video[clips[i].Start + f].CopyTo(flat, (i * frames + f) * Dim);
            }
        }
        return tensor(flat, [clips.Count, frames, Dim]).to(device);
    }
}
