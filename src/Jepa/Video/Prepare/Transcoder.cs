using System.Globalization;

namespace Jepa.Video.Prepare;

/// <summary>
/// One ffmpeg run that turns a source into training-ready segments: first video stream only, the
/// training fps, a short side near the model's size, H.264 yuv420p with a keyframe every GOP frames
/// and no B-frames, cut at keyframes into files of at most the segment length.
/// </summary>
internal static class Transcoder
{
    /// <summary>Output size for a source shown <paramref name="width"/>×<paramref name="height"/>: the short side at the target (never enlarged), both sides even.</summary>
    public static (int Width, int Height) OutputSize(int width, int height, int shortSide)
    {
        int shortIn = Math.Min(width, height), longIn = Math.Max(width, height);
        int s = Math.Min(shortSide, Math.Max(2, shortIn / 2 * 2));
        int l = Math.Max(2, 2 * (int)Math.Round(longIn * (double)s / shortIn / 2.0));
        return width <= height ? (s, l) : (l, s);
    }

    /// <summary>
    /// Where segments start, in seconds: <c>n = ceil(duration / segment)</c> equal parts, each boundary
    /// moved to the nearest keyframe (a multiple of GOP / fps). Empty for a source that fits one file.
    /// </summary>
    public static IReadOnlyList<double> SegmentStarts(double durationS, PrepareSettings settings)
    {
        int n = (int)Math.Ceiling(durationS / settings.SegmentSeconds - 1e-9);
        if (n <= 1)
            return [];
        double gopS = settings.Gop / settings.Fps;
        var starts = new List<double>();
        for (int i = 1; i < n; i++)
        {
            double t = Math.Round(i * durationS / n / gopS) * gopS;
            if (t > 0 && t < durationS && (starts.Count == 0 || t > starts[^1]))
                starts.Add(t);
        }
        return starts;
    }

    /// <summary>The ffmpeg command line that writes <paramref name="outFolder"/>/000.mp4, 001.mp4, ….</summary>
    public static List<string> Arguments(string source, string outFolder, int width, int height, IReadOnlyList<double> starts, PrepareSettings s)
    {
        string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);
        string I(int i) => i.ToString(CultureInfo.InvariantCulture);
        string threads = I(s.EncoderThreads);
        var args = new List<string>
        {
            "-nostdin", "-hide_banner", "-loglevel", "error", "-threads", threads, "-i", source,
            // The first video stream that is not cover art; no sound, subtitles, data, metadata or chapters.
            "-map", "0:V:0", "-an", "-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1",
            // Timestamps from 0 so keyframes fall on multiples of GOP/fps; fps before scale so only kept
            // frames are scaled; area averaging suits downscaling; square pixels; 8-bit 4:2:0.
            "-vf", $"setpts=PTS-STARTPTS,fps={F(s.Fps)},scale={I(width)}:{I(height)}:flags=area,setsar=1,format=yuv420p",
            "-filter_threads", threads,
            // A keyframe every GOP frames exactly (no scene-cut keyframes) and no B-frames: a clip that
            // starts anywhere costs at most GOP-1 frames decoded before it.
            "-c:v", "libx264", "-preset", s.Preset, "-crf", I(s.Crf), "-g", I(s.Gop), "-keyint_min", I(s.Gop),
            "-sc_threshold", "0", "-bf", "0", "-threads", threads,
            "-progress", "pipe:1", "-nostats",
        };
        if (starts.Count == 0)
        {
            args.AddRange(["-movflags", "+faststart", "-f", "mp4", Path.Combine(outFolder, "000.mp4")]);
        }
        else
        {
            // The segment muxer cuts at the first keyframe at or after each time (within half a frame).
            args.AddRange([
                "-f", "segment", "-segment_times", string.Join(',', starts.Select(F)), "-segment_time_delta", F(0.5 / s.Fps),
                "-reset_timestamps", "1", "-segment_format", "mp4", "-segment_format_options", "movflags=+faststart",
                Path.Combine(outFolder, "%03d.mp4"),
            ]);
        }
        return args;
    }

    /// <summary>
    /// Runs ffmpeg with <paramref name="args"/>, reporting the share of <paramref name="durationS"/>
    /// written so far. Throws <see cref="VideoException"/> when it fails (its last error line) or
    /// reports no progress for <see cref="PrepareSettings.StallTimeout"/> (<c>timed out</c>; it is killed).
    /// Cancellation kills it and rethrows.
    /// </summary>
    public static async Task RunAsync(string source, List<string> args, double durationS, TimeSpan stallTimeout, Action<double>? progress, CancellationToken ct)
    {
        using var process = FfmpegProcess.Start("ffmpeg", args);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stall.CancelAfter(stallTimeout);
        using var killOnCancel = stall.Token.Register(() => FfmpegProcess.Kill(process));
        var stderrTask = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            // -progress writes key=value lines about twice a second; each one shows ffmpeg is alive.
            while (await process.StandardOutput.ReadLineAsync(stall.Token) is { } line)
            {
                stall.CancelAfter(stallTimeout);
                if (line.StartsWith("out_time_us=", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan("out_time_us=".Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out long us)
                    && durationS > 0)
                    progress?.Invoke(Math.Clamp(us / 1e6 / durationS, 0, 1));
            }
            await process.WaitForExitAsync(stall.Token);
        }
        catch (OperationCanceledException)
        {
            FfmpegProcess.Kill(process);
            ct.ThrowIfCancellationRequested();
            throw new VideoException(source, "timed out");
        }
        var stderr = await stderrTask;
        if (process.ExitCode != 0)
        {
            var last = new FfmpegProcess.Result(process.ExitCode, [], 0, stderr).ErrorFor(source);
            throw new VideoException(source, "cannot transcode: " + last);
        }
    }

    /// <summary>Flushes a finished file to disk, so a power cut after the rename cannot leave it empty.</summary>
    public static void FlushToDisk(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    }
}
