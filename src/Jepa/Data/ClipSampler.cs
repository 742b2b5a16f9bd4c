namespace Jepa.Data;

/// <summary>
/// Which clip fills one slot of one batch: a video, its first frame, and the view of it the model sees:
/// a crop box (width, height and centre as fractions of the frame) and whether it is mirrored.
/// </summary>
public readonly record struct ClipRef(int Video, int Start, bool Flip = false, float CropW = 1, float CropH = 1, float CropX = 0.5f, float CropY = 0.5f)
{
    /// <summary>True when the model sees the decoded frames as they are.</summary>
    public bool IsIdentity => !Flip && CropW == 1 && CropH == 1 && CropX == 0.5f && CropY == 0.5f;
}

/// <summary>
/// Clip choice as a pure function of (seed, step, slot): no hidden RNG state, so a resumed run and a
/// replay see exactly the clips an uninterrupted run would (STYLE.md #5).
/// </summary>
public static class ClipSampler
{
    /// <param name="frameCounts">decoded frames of each usable video at the training fps</param>
    /// <param name="frames">frames per clip</param>
    /// <param name="flips">mirror half the clips left-right (never upside down: that makes antigravity plausible)</param>
    /// <param name="cropScaleMin">smallest crop area as a share of the frame; 1 turns cropping off</param>
    public static ClipRef Sample(int seed, long step, int slot, IReadOnlyList<int> frameCounts, int frames, bool flips, double cropScaleMin = 1)
    {
        ulong h = Mix((ulong)(uint)seed ^ Mix((ulong)step * 0x9E3779B97F4A7C15UL ^ (ulong)slot));
        int video = (int)(h % (ulong)frameCounts.Count);
        h = Mix(h);
        int span = Math.Max(1, frameCounts[video] - frames + 1);
        int start = (int)(h % (ulong)span);
        return WithView(new ClipRef(video, start), h, flips, cropScaleMin);
    }

    /// <summary>
    /// <paramref name="clip"/> with a flip and crop box drawn from the hash state <paramref name="h"/>
    /// (which <see cref="Sample"/> and <see cref="SpanPlanner"/> derive from the seed and step).
    /// </summary>
    public static ClipRef WithView(ClipRef clip, ulong h, bool flips, double cropScaleMin)
    {
        var (video, start) = (clip.Video, clip.Start);
        h = Mix(h);
        bool flip = flips && (h & 1) == 1;
        if (cropScaleMin >= 1) return new ClipRef(video, start, flip);

        // Random resized crop, as V-JEPA: area share in [min, 1], aspect ratio log-uniform in [3/4, 4/3],
        // one box for every frame of the clip so motion stays coherent.
        double area = cropScaleMin + (1 - cropScaleMin) * Uniform(ref h);
        double aspect = Math.Exp(Math.Log(0.75) + (Math.Log(4.0 / 3) - Math.Log(0.75)) * Uniform(ref h));
        double w = Math.Min(1, Math.Sqrt(area * aspect));
        double hh = Math.Min(1, Math.Sqrt(area / aspect));
        double cx = w / 2 + (1 - w) * Uniform(ref h);
        double cy = hh / 2 + (1 - hh) * Uniform(ref h);
        return new ClipRef(video, start, flip, (float)w, (float)hh, (float)cx, (float)cy);
    }

    /// <summary>SplitMix64 finaliser: a good 64-bit hash, cheap and portable.</summary>
    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static double Uniform(ref ulong h)
    {
        h = Mix(h);
        return (h >> 11) * (1.0 / (1UL << 53));
    }
}
