using System.Globalization;

namespace Jepa.Video;

/// <summary>
/// Decodes a stretch of a video into square RGB frames at a fixed frame rate with one ffmpeg process.
/// </summary>
public static class FrameDecoder
{
    /// <summary>How long a decode may take before ffmpeg is presumed hung and killed.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Decodes from <paramref name="startS"/> seconds up to <paramref name="maxFrames"/> frames (null: to
    /// the end), resampled to exactly <paramref name="fps"/> frames per second whatever the source rate
    /// (constant or variable), scaled so the shorter side is <paramref name="size"/> and centre-cropped
    /// to <paramref name="size"/>². Display rotation is applied. A truncated file gives fewer frames.
    /// Throws <see cref="VideoException"/> on a missing, empty or undecodable file, or after
    /// <paramref name="timeout"/> (default 60 s) with reason <c>timed out</c>.
    /// </summary>
    public static async Task<DecodedFrames> DecodeAsync(
        string path, double startS, int? maxFrames, double fps, int size,
        CancellationToken ct = default, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startS);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (maxFrames is { } m)
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m, nameof(maxFrames));
        VideoException.ThrowIfMissingOrEmpty(path);

        int frameBytes = size * size * 3;
        var result = await FfmpegProcess.RunAsync(
            "ffmpeg", Arguments(path, startS, maxFrames, fps, size), path,
            maxFrames is { } n ? checked(n * frameBytes) : 0, timeout ?? DefaultTimeout, ct);
        // ffmpeg's words for an input without a video stream (audio only) are about its output.
        if (result.ExitCode != 0 && result.Stderr.Contains("does not contain any stream", StringComparison.Ordinal))
            throw new VideoException(path, "no video stream");
        if (result.ExitCode != 0)
            throw new VideoException(path, "cannot decode: " + result.ErrorFor(path));
        // Count what arrived: a truncated file ends early with exit code 0. A partial last frame is dropped.
        int count = result.Length / frameBytes;
        var rgb = result.Stdout;
        if (rgb.Length != count * frameBytes)
            Array.Resize(ref rgb, count * frameBytes);
        return new DecodedFrames(count, size, rgb);
    }

    /// <summary>The ffmpeg command line, exposed so a benchmark can time the same command raw.</summary>
    internal static List<string> Arguments(string path, double startS, int? maxFrames, double fps, int size)
    {
        string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);
        var args = new List<string> { "-nostdin", "-loglevel", "error", "-threads", "1" };
        // -ss before -i seeks in the demuxer (fast, to the keyframe before, then decodes up to start)
        // and resets timestamps to 0, so the fps filter's grid starts exactly at startS.
        if (startS > 0)
            args.AddRange(["-ss", F(startS)]);
        args.AddRange(["-i", path]);
        // fps first, so only the kept frames are scaled. Scale keeps the aspect ratio with the
        // shorter side at size, then crop cuts the centre square. -threads 1 on the filter graph and
        // decoder: decoders share the cores with libtorch, parallelism comes from several workers.
        args.AddRange([
            "-an", "-sn", "-dn",
            "-vf", $"fps={F(fps)},scale={size}:{size}:force_original_aspect_ratio=increase,crop={size}:{size}",
            "-filter_threads", "1",
        ]);
        if (maxFrames is { } n)
            args.AddRange(["-frames:v", n.ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(["-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"]);
        return args;
    }
}
