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
    /// <paramref name="timeout"/> (default 60 s) with reason <c>timed out</c>. <paramref name="threads"/>:
    /// ffmpeg's decoder and filter threads (the frames are the same whatever the number).
    /// </summary>
    public static async Task<DecodedFrames> DecodeAsync(
        string path, double startS, int? maxFrames, double fps, int size,
        CancellationToken ct = default, TimeSpan? timeout = null, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startS);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (maxFrames is { } m)
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m, nameof(maxFrames));
        VideoException.ThrowIfMissingOrEmpty(path);

        int frameBytes = size * size * 3;
        var result = await FfmpegProcess.RunAsync(
            "ffmpeg", Arguments(path, startS, maxFrames, fps, size, threads), path,
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

    /// <summary>
    /// The filter chain of every decode: fps first, so only the kept frames are scaled; scale keeps the
    /// aspect ratio with the shorter side at size, crop cuts the centre square, both in YUV. The RGB
    /// conversion is left to the output's unscaled converter: measured on 256-px sources (ffmpeg 5.1,
    /// one thread), scaling straight to rgb24 cost 1.7 CPU-s per 512 frames, scaling in yuv420p then
    /// converting 1.1 s, of which 0.76 s is decoding.
    /// </summary>
    internal static string Filter(double fps, int size) =>
        $"fps={fps.ToString("R", CultureInfo.InvariantCulture)},scale={size}:{size}:force_original_aspect_ratio=increase,crop={size}:{size},format=yuv420p";

    /// <summary>
    /// Decodes several stretches (of one or several videos) with one ffmpeg process: each input is
    /// seeked and filtered exactly as <see cref="DecodeAsync"/> does, cut to its frame count, and the
    /// pieces are concatenated, so a worker pays one process start for many spans. Returns null when
    /// ffmpeg fails or fewer frames arrive than asked for (a bad or short video among them): the caller
    /// then decodes the stretches one by one to find out which. <paramref name="threads"/>: threads of
    /// each input's decoder and of the filter graph.
    /// </summary>
    public static async Task<DecodedFrames?> DecodeManyAsync(
        IReadOnlyList<(string Path, double StartS, int Frames)> parts, double fps, int size, CancellationToken ct, TimeSpan timeout, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parts.Count);
        int frameBytes = size * size * 3, total = parts.Sum(p => p.Frames);
        try
        {
            var result = await FfmpegProcess.RunAsync("ffmpeg", ManyArguments(parts, fps, size, threads), parts[0].Path, checked(total * frameBytes), timeout, ct);
            if (result.ExitCode != 0 || result.Length != total * frameBytes)
                return null;
            return new DecodedFrames(total, size, result.Stdout.Length == result.Length ? result.Stdout : result.Stdout[..result.Length]);
        }
        catch (VideoException)
        {
            return null; // timed out: decoded one by one, each under its own limit
        }
    }

    internal static List<string> ManyArguments(IReadOnlyList<(string Path, double StartS, int Frames)> parts, double fps, int size, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        string n = threads.ToString(CultureInfo.InvariantCulture);
        string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);
        var args = new List<string> { "-nostdin", "-loglevel", "error" };
        var graph = new System.Text.StringBuilder();
        for (int i = 0; i < parts.Count; i++)
        {
            // Input options hold for the next -i only: without -threads on each, every decoder after the
            // first starts one frame thread per core (measured: 20 ms instead of 12 ms per input with 1).
            args.AddRange(["-threads", n]);
            if (HeadersSuffice(parts[i].Path))
                args.AddRange(["-probesize", "32", "-analyzeduration", "0"]);
            if (parts[i].StartS > 0)
                args.AddRange(["-ss", F(parts[i].StartS)]);
            args.AddRange(["-i", parts[i].Path]);
            // setsar: concat wants equal sample aspect ratios; the pixels are those of the one-stretch command.
            graph.Append(CultureInfo.InvariantCulture, $"[{i}:v:0]{Filter(fps, size)},trim=end_frame={parts[i].Frames},setsar=1[s{i}];");
        }
        for (int i = 0; i < parts.Count; i++)
            graph.Append(CultureInfo.InvariantCulture, $"[s{i}]");
        graph.Append(CultureInfo.InvariantCulture, $"concat=n={parts.Count}:v=1:a=0[out]");
        args.AddRange(["-filter_complex", graph.ToString(), "-filter_complex_threads", n, "-map", "[out]", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"]);
        return args;
    }

    /// <summary>
    /// Whether the container's header alone tells the decoder what it needs (MP4/MOV: the moov atom holds
    /// the codec, size and timing), so ffmpeg may skip probing the stream by decoding its first packets:
    /// measured on a prepared 256-px corpus under load, 120–155 CPU-ms instead of 175 for opening an input
    /// and decoding one frame (the process start alone is 113). Frames are filtered only once decoded, so
    /// the pixels are the same (framemd5-equal); if a file still needed probing, the process fails and its
    /// spans are decoded one by one with the full probe.
    /// </summary>
    internal static bool HeadersSuffice(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".mp4" or ".m4v" or ".mov";

    /// <summary>The ffmpeg command line, exposed so a benchmark can time the same command raw.</summary>
    internal static List<string> Arguments(string path, double startS, int? maxFrames, double fps, int size, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);
        string t = threads.ToString(CultureInfo.InvariantCulture);
        var args = new List<string> { "-nostdin", "-loglevel", "error", "-threads", t };
        // -ss before -i seeks in the demuxer (fast, to the keyframe before, then decodes up to start)
        // and resets timestamps to 0, so the fps filter's grid starts exactly at startS.
        if (startS > 0)
            args.AddRange(["-ss", F(startS)]);
        args.AddRange(["-i", path]);
        // -threads 1 (the default) on the filter graph and decoder: decoders share the cores with
        // libtorch, parallelism comes from several workers; the span loader passes more when the
        // workers leave cores free (data.decode_threads).
        args.AddRange(["-an", "-sn", "-dn", "-vf", Filter(fps, size), "-filter_threads", t]);
        if (maxFrames is { } n)
            args.AddRange(["-frames:v", n.ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(["-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"]);
        return args;
    }
}
