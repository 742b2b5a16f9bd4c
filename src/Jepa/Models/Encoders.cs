using Jepa.Config;
using TorchSharp;
using static TorchSharp.torch;

namespace Jepa.Models;

/// <summary>
/// The part of the model that has an EMA target copy: conv stem → level-1 frame encoder, and the
/// level-2 encoder over chunks of pooled level-1 tokens.
/// </summary>
public sealed class Encoders : nn.Module
{
    private readonly ConvStem stem;
    private readonly FrameEncoder level1;
    private readonly FrameEncoder level2;
    private readonly int chunk;
    private readonly int pool;
    private readonly int side;

    public Encoders(ModelSpec spec, int size) : base(nameof(Encoders))
    {
        side = size / spec.StemStride;
        chunk = spec.Chunk;
        pool = spec.Level2Pool;
        stem = new ConvStem(spec.Dim, spec.StemStride, spec.StemBlur);
        level1 = new FrameEncoder(side * side, spec.Dim, spec.Depth, spec.Heads, spec.MlpRatio);
        level2 = new FrameEncoder(Level2Tokens(spec, size), spec.Dim, spec.Level2Depth, spec.Heads, spec.MlpRatio);
        RegisterComponents();
    }

    /// <summary>Tokens per frame at level 1.</summary>
    public static int Level1Tokens(ModelSpec spec, int size) => (size / spec.StemStride) * (size / spec.StemStride);

    /// <summary>Tokens per chunk at level 2.</summary>
    public static int Level2Tokens(ModelSpec spec, int size) => Level1Tokens(spec, size) / (spec.Level2Pool * spec.Level2Pool);

    /// <param name="frames">[B, T, 3, H, W]</param>
    /// <returns>level-1 tokens [B, T, N1, D] and level-2 tokens [B, T/chunk, N2, D]</returns>
    public (Tensor Level1, Tensor Level2) Forward(Tensor frames)
    {
        var z1 = level1.Forward(stem.Forward(frames));
        var z2 = level2.Forward(Pool(z1));
        return (z1, z2);
    }

    /// <summary>Average over <c>chunk</c> frames and pool×pool tokens: [B, T, N1, D] → [B, T/chunk, N2, D].</summary>
    public Tensor Pool(Tensor z1)
    {
        long b = z1.shape[0], t = z1.shape[1], d = z1.shape[3];
        long c = t / chunk, h = side / pool;
        var x = z1.narrow(1, 0, c * chunk).reshape(b, c, chunk, h, pool, h, pool, d);
        return x.mean([2, 4, 6]).reshape(b, c, h * h, d);
    }
}
