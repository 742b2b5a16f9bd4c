using Jepa.Config;
using Jepa.Video;

namespace Jepa.Data;

/// <summary>
/// A decoded span: where it actually came from (another video when the planned one was bad) and its
/// frames, [Length, S, S, 3] uint8 (a slice of the buffer its ffmpeg run filled, shared with the other
/// spans of that run: no copy).
/// </summary>
public sealed record DecodedSpan(SpanRef Span, ReadOnlyMemory<byte> Rgb);

/// <summary>
/// Spans decoded on demand, one ffmpeg run per span (seek to its start, resample to the training fps,
/// scale and crop, exactly the per-clip command of <see cref="StreamingClipSource"/> asked for more
/// frames), so C clips cost one process start, one seek and one keyframe lead-in instead of C. Bad
/// videos are handled as the per-clip source does: set aside in the <see cref="BadVideoLog"/>, the
/// span taken from the next usable video, the run stopped only when none is left.
/// </summary>
public sealed class SpanClipSource
{
    private readonly IReadOnlyList<string> paths;
    private readonly int[] frameCounts;
    private readonly DataConfig data;
    private readonly BadVideoLog bad;
    private readonly string key;

    /// <param name="videos">usable videos and their durations in seconds (from an index)</param>
    /// <param name="data">frames, fps, size, short_videos, decode_timeout_s, clips_per_span</param>
    /// <param name="bad">where failing videos are set aside</param>
    /// <param name="key">the config key the videos came from, for the message when none is left</param>
    public SpanClipSource(IReadOnlyList<(string Path, double DurationS)> videos, DataConfig data, BadVideoLog bad, string key)
    {
        if (videos.Count == 0)
            throw new ArgumentException("at least one video is needed", nameof(videos));
        paths = videos.Select(v => v.Path).ToArray();
        frameCounts = StreamingClipSource.FrameGrid(videos, data.Fps); // the per-clip source's grid
        this.data = data;
        this.bad = bad;
        this.key = key;
    }

    /// <summary>Frames of each video at the training fps, in video order; what <see cref="SpanPlanner"/> plans over.</summary>
    public IReadOnlyList<int> FrameCounts => frameCounts;

    /// <summary>Side in pixels of the square frames.</summary>
    public int Size => data.Size;

    /// <summary>Frames per clip.</summary>
    public int Frames => data.Frames;

    /// <summary>Clips cut from each span.</summary>
    public int ClipsPerSpan => data.ClipsPerSpan;

    /// <summary>The path of video <paramref name="index"/>.</summary>
    public string PathOf(int index) => paths[index];

    /// <summary>
    /// Decodes several spans with <paramref name="threads"/> CPU threads: that many single-threaded ffmpeg
    /// processes at once, each over a consecutive share of the spans (see <see cref="DecodeTogetherAsync"/>).
    /// ffmpeg's own threads gain nothing on such spans: 16 spans of 64 frames from a 456×256 prepared corpus,
    /// concatenated in one process, took 2.1 s with <c>-threads 2</c> and 2.1–2.6 s with 1 (2 cores; the frame
    /// threads refill and drain at every input and the filter graph runs once per frame in between), two
    /// processes of 8 spans 1.0–1.1 s. The frames are the same whatever the number of threads.
    /// </summary>
    public async Task<DecodedSpan[]> DecodeAsync(IReadOnlyList<SpanRef> spans, CancellationToken ct, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        int processes = Math.Min(threads, spans.Count);
        if (processes <= 1)
            return await DecodeTogetherAsync(spans, ct, threads);
        int n = spans.Count, each = Math.Max(1, threads / processes);
        var parts = await Task.WhenAll(Enumerable.Range(0, processes).Select(j =>
            DecodeTogetherAsync(spans.Skip(j * n / processes).Take((j + 1) * n / processes - j * n / processes).ToArray(), ct, each)));
        return parts.SelectMany(p => p).ToArray();
    }

    /// <summary>
    /// Decodes several spans with one ffmpeg process when every one of them decodes whole (the common
    /// case: one process start for many spans), else each on its own through <see cref="DecodeAsync(SpanRef, CancellationToken, int)"/>,
    /// which sets bad videos aside and finds replacements. The frames are the same either way, and
    /// whatever the number of ffmpeg <paramref name="threads"/>.
    /// </summary>
    private async Task<DecodedSpan[]> DecodeTogetherAsync(IReadOnlyList<SpanRef> spans, CancellationToken ct, int threads)
    {
        var result = new DecodedSpan[spans.Count];
        bool together = spans.Count > 1 && spans.All(s => !bad.Contains(paths[s.Video]) && s.Start + s.Length <= frameCounts[s.Video]);
        if (together)
        {
            var timeout = TimeSpan.FromSeconds(data.DecodeTimeoutS * data.ClipsPerSpan * spans.Count);
            var parts = spans.Select(s => (paths[s.Video], s.Start / data.Fps, s.Length)).ToList();
            if (await FrameDecoder.DecodeManyAsync(parts, data.Fps, data.Size, ct, timeout, threads) is { } all)
            {
                int at = 0;
                for (int i = 0; i < spans.Count; i++)
                {
                    result[i] = new DecodedSpan(spans[i], all.Rgb.AsMemory(at * all.FrameBytes, spans[i].Length * all.FrameBytes));
                    at += spans[i].Length;
                }
                return result;
            }
        }
        for (int i = 0; i < spans.Count; i++)
            result[i] = await DecodeAsync(spans[i], ct, threads);
        return result;
    }

    /// <summary>
    /// Decodes <paramref name="span"/> (or, when its video fails, a span of the next usable one placed
    /// deterministically) into <see cref="DecodedSpan.Rgb"/>, padded with its last frame to the span's length.
    /// </summary>
    public async Task<DecodedSpan> DecodeAsync(SpanRef span, CancellationToken ct, int threads = 1)
    {
        // data.decode_timeout_s bounds the decode of one clip; a span holds clips_per_span of them.
        var timeout = TimeSpan.FromSeconds(data.DecodeTimeoutS * data.ClipsPerSpan);
        int frames = data.Frames;
        for (int k = 0; k < paths.Count; k++)
        {
            int video = (span.Video + k) % paths.Count;
            if (bad.Contains(paths[video]))
                continue;
            // A replacement keeps the planned start when it fits, so the choice depends on nothing but the span.
            var used = k == 0 ? span : SpanPlanner.Place(frameCounts[video], video, (ulong)span.Start, frames, data.ClipsPerSpan);
            try
            {
                var decoded = await FrameDecoder.DecodeAsync(paths[video], used.Start / data.Fps, used.Length, data.Fps, data.Size, ct, timeout, threads);
                if (decoded.Count == 0)
                    throw new VideoException(paths[video], $"cannot decode: no frame at {used.Start / data.Fps:0.##} s");
                if (decoded.Count < frames && frameCounts[video] < frames && data.ShortVideos == "skip")
                    throw new VideoException(paths[video], VideoIndex.TooShortReason(decoded.Count / data.Fps, frames / data.Fps));
                var rgb = decoded.Count == used.Length ? decoded.Rgb : new byte[used.Length * decoded.FrameBytes];
                if (!ReferenceEquals(rgb, decoded.Rgb))
                    StreamingClipSource.CopyPadded(decoded, used.Length, rgb);
                return new DecodedSpan(used, rgb);
            }
            catch (VideoException e)
            {
                bad.Add(paths[video], e.Reason);
            }
        }
        throw new UsageException(
            $"{key}: every one of the {paths.Count} videos failed to decode (see bad_videos.csv in the run directory); check the files with jepa index or point {key} at other videos.");
    }
}
