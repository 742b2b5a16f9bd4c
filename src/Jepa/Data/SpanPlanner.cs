namespace Jepa.Data;

/// <summary>
/// A stretch of one video decoded in a single ffmpeg run: <paramref name="Length"/> frames on the
/// training-fps grid from frame <paramref name="Start"/>, cut into <c>clipsPerSpan</c> clips.
/// </summary>
public readonly record struct SpanRef(int Video, int Start, int Length);

/// <summary>
/// The clips of <c>clipsPerSpan</c> consecutive steps (a block), decided before anything is decoded:
/// <see cref="Spans"/> (one per batch slot) and, for every step of the block and slot of its batch,
/// which span and which of its clips fills it. Every span gives one clip to every step of the block,
/// so a batch holds one clip from each of <c>batchSize</c> spans (a shuffle buffer of the whole
/// block), in an order shuffled per step.
/// </summary>
public sealed class SpanBlock
{
    private readonly int[] spanOf, clipOf;
    private readonly ClipRef[] views;

    internal SpanBlock(long block, SpanRef[] spans, int clipsPerSpan, int batchSize, int[] spanOf, int[] clipOf, ClipRef[] views)
    {
        Block = block;
        Spans = spans;
        ClipsPerSpan = clipsPerSpan;
        BatchSize = batchSize;
        this.spanOf = spanOf;
        this.clipOf = clipOf;
        this.views = views;
    }

    /// <summary>Index of this block: it covers steps Block × ClipsPerSpan to (Block + 1) × ClipsPerSpan − 1.</summary>
    public long Block { get; }

    /// <summary>The spans to decode, one per batch slot.</summary>
    public IReadOnlyList<SpanRef> Spans { get; }

    public int ClipsPerSpan { get; }
    public int BatchSize { get; }

    /// <summary>First step of the block.</summary>
    public long FirstStep => Block * ClipsPerSpan;

    /// <summary>Which span, which of its clips (0-based), and the view (flip, crop) for slot <paramref name="slot"/> of step <paramref name="step"/>.</summary>
    public (int Span, int Clip, ClipRef View) At(long step, int slot)
    {
        int j = (int)(step - FirstStep);
        if (j < 0 || j >= ClipsPerSpan) throw new ArgumentOutOfRangeException(nameof(step), $"step {step} is not in block {Block}");
        int i = j * BatchSize + slot;
        return (spanOf[i], clipOf[i], views[i]);
    }
}

/// <summary>
/// Clip choice for decode-once-cut-many loading, as a pure function of (seed, step) like
/// <see cref="ClipSampler"/> (STYLE.md #5): steps are grouped in blocks of <c>clipsPerSpan</c>; block b
/// draws <c>batchSize</c> spans of <c>clipsPerSpan × frames</c> consecutive frames (video uniform, start
/// uniform, as the per-clip sampler), cuts each into back-to-back clips, and deals one clip of every
/// span to every step of the block in a shuffled order. A resumed run at step s plans block s ÷ C again
/// and gets the same batches; the number of decode workers and their timing change nothing.
/// </summary>
public static class SpanPlanner
{
    /// <param name="frameCounts">decoded frames of each usable video at the training fps</param>
    /// <param name="frames">frames per clip (T)</param>
    /// <param name="clipsPerSpan">clips cut from one decoded span (C); a span is C × T frames</param>
    public static SpanBlock Plan(int seed, long block, IReadOnlyList<int> frameCounts, int frames, int clipsPerSpan, int batchSize, bool flips, double cropScaleMin)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clipsPerSpan);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        // Salts keep these streams apart from ClipSampler's, which hashes (seed, step, slot) the same way.
        const ulong SpanSalt = 0x5350414E5F535041UL, OrderSalt = 0x4F524445525F5350UL;
        var spans = new SpanRef[batchSize];
        var rotation = new int[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            ulong h = Hash(seed, block, i, SpanSalt);
            int video = (int)(h % (ulong)frameCounts.Count);
            h = ClipSampler.Mix(h);
            spans[i] = Place(frameCounts[video], video, h, frames, clipsPerSpan);
            rotation[i] = (int)(ClipSampler.Mix(h) % (ulong)clipsPerSpan);
        }

        int n = clipsPerSpan * batchSize;
        var spanOf = new int[n];
        var clipOf = new int[n];
        var views = new ClipRef[n];
        var order = new int[batchSize];
        for (int j = 0; j < clipsPerSpan; j++)
        {
            long step = block * clipsPerSpan + j;
            // Fisher–Yates over the spans, seeded by the step: which slot each span's clip lands in.
            for (int i = 0; i < batchSize; i++) order[i] = i;
            ulong h = Hash(seed, step, -1, OrderSalt);
            for (int i = batchSize - 1; i > 0; i--)
            {
                h = ClipSampler.Mix(h);
                int k = (int)(h % (ulong)(i + 1));
                (order[i], order[k]) = (order[k], order[i]);
            }
            for (int slot = 0; slot < batchSize; slot++)
            {
                int span = order[slot], clip = (j + rotation[span]) % clipsPerSpan, at = j * batchSize + slot;
                spanOf[at] = span;
                clipOf[at] = clip;
                var s = spans[span];
                views[at] = ClipSampler.WithView(new ClipRef(s.Video, s.Start + ClipOffset(s.Length, frames, clipsPerSpan, clip)),
                    Hash(seed, step, slot, 0), flips, cropScaleMin);
            }
        }
        return new SpanBlock(block, spans, clipsPerSpan, batchSize, spanOf, clipOf, views);
    }

    /// <summary>
    /// A span of <paramref name="video"/> (with <paramref name="frameCount"/> frames) starting where the
    /// hash <paramref name="h"/> says: C × T frames when the video has them, else the whole video (at
    /// least T, so a short video decodes what it has and is padded or skipped as configured).
    /// </summary>
    public static SpanRef Place(int frameCount, int video, ulong h, int frames, int clipsPerSpan)
    {
        int length = Math.Min(clipsPerSpan * frames, Math.Max(frames, frameCount));
        int start = (int)(h % (ulong)Math.Max(1, frameCount - length + 1));
        return new SpanRef(video, start, length);
    }

    /// <summary>First frame of clip <paramref name="clip"/> inside a span of <paramref name="length"/> frames: back to back when it holds C clips, spread evenly (overlapping) when the video is shorter.</summary>
    public static int ClipOffset(int length, int frames, int clipsPerSpan, int clip) =>
        clipsPerSpan == 1 || length <= frames ? 0 : (int)((long)clip * (length - frames) / (clipsPerSpan - 1));

    private static ulong Hash(int seed, long a, int b, ulong salt) =>
        ClipSampler.Mix((ulong)(uint)seed ^ ClipSampler.Mix((ulong)a * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)b ^ salt));
}
