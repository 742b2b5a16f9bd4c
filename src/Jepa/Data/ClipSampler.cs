namespace Jepa.Data;

/// <summary>Which clip fills one slot of one batch: a video, the first frame, and whether to flip.</summary>
public readonly record struct ClipRef(int Video, int Start, bool Flip);

/// <summary>
/// Clip choice as a pure function of (seed, step, slot): no hidden RNG state, so a resumed run and a
/// replay see exactly the clips an uninterrupted run would (STYLE.md #5).
/// </summary>
public static class ClipSampler
{
    /// <param name="frameCounts">decoded frames of each usable video at the training fps</param>
    /// <param name="frames">frames per clip</param>
    public static ClipRef Sample(int seed, long step, int slot, IReadOnlyList<int> frameCounts, int frames, bool flips)
    {
        ulong h = Mix((ulong)(uint)seed ^ Mix((ulong)step * 0x9E3779B97F4A7C15UL ^ (ulong)slot));
        int video = (int)(h % (ulong)frameCounts.Count);
        ulong h2 = Mix(h);
        int span = Math.Max(1, frameCounts[video] - frames + 1);
        int start = (int)(h2 % (ulong)span);
        bool flip = flips && (Mix(h2) & 1) == 1;
        return new ClipRef(video, start, flip);
    }

    /// <summary>SplitMix64 finaliser: a good 64-bit hash, cheap and portable.</summary>
    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
