using Jepa.Config;
using Jepa.Video;

namespace Jepa.Data;

/// <summary>
/// Clips decoded on demand, one ffmpeg run per clip (seek to the clip's start time, resample to the
/// training fps, scale and crop), for corpora too large to keep decoded in memory. Clip starts are
/// frames on the training-fps grid, so any source rate, constant or variable, gives clips of the same
/// real duration. A video that fails is set aside in the <see cref="BadVideoLog"/> and its clip is
/// taken from the next usable video instead; the run only stops when no video is left.
/// </summary>
public sealed class StreamingClipSource : IClipSource
{
    private readonly IReadOnlyList<string> paths;
    private readonly int[] frameCounts;
    private readonly DataConfig data;
    private readonly BadVideoLog bad;
    private readonly string key;

    /// <param name="videos">usable videos and their durations in seconds (from an index)</param>
    /// <param name="data">frames, fps, size, short_videos, decode_timeout_s</param>
    /// <param name="bad">where failing videos are set aside</param>
    /// <param name="key">the config key the videos came from, for the message when none is left</param>
    public StreamingClipSource(IReadOnlyList<(string Path, double DurationS)> videos, DataConfig data, BadVideoLog bad, string key)
    {
        if (videos.Count == 0)
            throw new ArgumentException("at least one video is needed", nameof(videos));
        paths = videos.Select(v => v.Path).ToArray();
        frameCounts = FrameGrid(videos, data.Fps);
        this.data = data;
        this.bad = bad;
        this.key = key;
    }

    /// <summary>Frames on the fps grid that start inside each video: floor(duration × fps), at least 1.</summary>
    internal static int[] FrameGrid(IReadOnlyList<(string Path, double DurationS)> videos, double fps) =>
        videos.Select(v => Math.Max(1, (int)Math.Floor(v.DurationS * fps + 1e-6))).ToArray();

    /// <inheritdoc/>
    public IReadOnlyList<int> FrameCounts => frameCounts;

    /// <inheritdoc/>
    public int Size => data.Size;

    /// <inheritdoc/>
    public string PathOf(int index) => paths[index];

    /// <inheritdoc/>
    public async Task<ClipRef> FillAsync(ClipRef clip, int frames, Memory<byte> destination, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(data.DecodeTimeoutS);
        for (int k = 0; k < paths.Count; k++)
        {
            int video = (clip.Video + k) % paths.Count;
            if (bad.Contains(paths[video]))
                continue;
            // A replacement keeps the sampled start when it fits, so the choice depends on nothing but the clip.
            int start = k == 0 ? clip.Start : clip.Start % Math.Max(1, frameCounts[video] - frames + 1);
            try
            {
                var decoded = await FrameDecoder.DecodeAsync(paths[video], start / data.Fps, frames, data.Fps, data.Size, ct, timeout);
                if (decoded.Count == 0)
                    throw new VideoException(paths[video], $"cannot decode: no frame at {start / data.Fps:0.##} s");
                // Too few frames: the clip ran past the end (durations are rounded in containers) or the video
                // is shorter than a clip; skip it when the config says so, else repeat its last frame.
                if (decoded.Count < frames && frameCounts[video] < frames && data.ShortVideos == "skip")
                    throw new VideoException(paths[video], VideoIndex.TooShortReason(decoded.Count / data.Fps, frames / data.Fps));
                CopyPadded(decoded, frames, destination.Span);
                return clip with { Video = video, Start = start };
            }
            catch (VideoException e)
            {
                bad.Add(paths[video], e.Reason);
            }
        }
        throw new UsageException(
            $"{key}: every one of the {paths.Count} videos failed to decode (see bad_videos.csv in the run directory); check the files with jepa index or point {key} at other videos.");
    }

    /// <summary>Copies the decoded frames and repeats the last one up to <paramref name="frames"/>.</summary>
    public static void CopyPadded(DecodedFrames decoded, int frames, Span<byte> destination)
    {
        int n = Math.Min(decoded.Count, frames), frameBytes = decoded.FrameBytes;
        decoded.Rgb.AsSpan(0, n * frameBytes).CopyTo(destination);
        for (int i = n; i < frames; i++)
            decoded.Frame(n - 1).CopyTo(destination[(i * frameBytes)..]);
    }
}
