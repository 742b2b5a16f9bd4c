using Jepa.Config;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Jepa.Models;

/// <summary>
/// The generative baseline's light decoder (train.objective pixel): one linear map per level from a
/// predicted token embedding to the pixels of that token's patch of the predicted frame (level 1:
/// stride×stride pixels; level 2: the chunk's mean frame, (stride·pool)² pixels), each patch normalised
/// to zero mean and unit variance as in MAE, so flat background costs nothing and the decoder spends
/// itself on edges and objects.
/// </summary>
public sealed class PixelDecoder : nn.Module
{
    private readonly Linear level1;
    private readonly Linear level2;
    private readonly int stride;
    private readonly int pool;
    private readonly int chunk;

    public PixelDecoder(ModelSpec spec) : base(nameof(PixelDecoder))
    {
        stride = spec.StemStride;
        pool = spec.Level2Pool;
        chunk = spec.Chunk;
        level1 = nn.Linear(spec.Dim, 3 * stride * stride);
        level2 = nn.Linear(spec.Dim, 3 * stride * pool * stride * pool);
        RegisterComponents();
    }

    /// <summary>Decoded predictions beside the pixel targets, per level, in the shapes of <see cref="JepaOutput.Pixels"/>.</summary>
    /// <param name="frames">normalised clips [B, T, 3, H, W]</param>
    public IReadOnlyList<LevelOutput> Forward(JepaOutput output, Tensor frames)
    {
        long b = frames.shape[0], t = frames.shape[1], c = t / chunk;
        var chunks = frames.narrow(1, 0, c * chunk).reshape(b, c, chunk, frames.shape[2], frames.shape[3], frames.shape[4]).mean([2]); // [B, C, 3, H, W]
        return
        [
            Decode(output.Level1, level1, Patches(frames, stride)),
            Decode(output.Level2, level2, Patches(chunks, stride * pool)),
        ];
    }

    /// <summary>
    /// [B, S, 3, H, W] → normalised patches [B, S, N, 3·p·p], tokens row-major as the stem and the level-2
    /// pooling order them.
    /// </summary>
    public static Tensor Patches(Tensor frames, int p)
    {
        using var _ = no_grad();
        long b = frames.shape[0], s = frames.shape[1], h = frames.shape[3] / p, w = frames.shape[4] / p;
        var x = frames.reshape(b, s, 3, h, p, w, p).permute(0, 1, 3, 5, 2, 4, 6).reshape(b, s, h * w, 3 * p * p);
        var centred = x - x.mean([-1], keepdim: true);
        var variance = centred.pow(2).mean([-1], keepdim: true); // population variance of the patch
        return centred / (variance + 1e-6).sqrt();
    }

    private static LevelOutput Decode(LevelOutput level, Linear head, Tensor targets)
    {
        var decoded = level.Predictions.Select(prediction => Autocast.Float(Autocast.Linear(head, prediction))).ToArray(); // [B, S-k, N, P]
        return new LevelOutput(targets, targets, decoded);
    }
}
