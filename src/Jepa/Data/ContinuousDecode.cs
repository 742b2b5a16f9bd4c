using System.Globalization;
using System.Text.RegularExpressions;
using Jepa.Video;

namespace Jepa.Data;

/// <summary>What one pass of <see cref="ContinuousDecode"/> measured.</summary>
public sealed record ContinuousDecodeResult(long Frames, double CpuSeconds, string Command)
{
    /// <summary>Frames decoded per CPU-second: the ceiling of one core.</summary>
    public double FramesPerCpuS => Frames / CpuSeconds;
}

/// <summary>
/// The decoder's own speed, with nothing else in the way: <c>ffmpeg -threads 1 -i SRC -f null -</c>
/// from the first frame on, at the source's resolution and rate, no seek, no filter, for a fixed number
/// of frames (a short video is decoded again from its start, <c>-stream_loop -1</c>), so that one process
/// start is a small part of the time whatever the frame rate: a prepared 4-fps corpus gave 80 frames in
/// 20 s of video, 0.20 CPU-s of which ~0.1 was ffmpeg starting (400 frames per CPU-second against 700–760
/// over 1200 frames). Times come from ffmpeg's <c>-benchmark</c> line (its own user + system CPU time), so
/// they hold on every OS.
/// </summary>
public static partial class ContinuousDecode
{
    /// <summary>Decodes the videos in turn, <paramref name="framesPerVideo"/> frames each, until <paramref name="seconds"/> of wall time pass (at least one video).</summary>
    public static async Task<ContinuousDecodeResult> MeasureAsync(IReadOnlyList<string> paths, double seconds, int framesPerVideo, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long frames = 0;
        double cpu = 0;
        string command = "";
        for (int i = 0; i < paths.Count && (i == 0 || clock.Elapsed.TotalSeconds < seconds); i++)
        {
            var args = Arguments(paths[i], framesPerVideo);
            if (i == 0)
                command = "ffmpeg " + string.Join(' ', args.Select(ShellQuote.Quote));
            var result = await FfmpegProcess.RunAsync("ffmpeg", args, paths[i], 0, TimeSpan.FromMinutes(10), ct);
            if (result.ExitCode != 0)
                throw new VideoException(paths[i], "cannot decode: " + result.ErrorFor(paths[i]));
            var stdout = System.Text.Encoding.UTF8.GetString(result.Stdout, 0, result.Length);
            var f = FrameLine().Matches(stdout);
            var b = BenchLine().Match(result.Stderr);
            if (f.Count == 0 || !b.Success)
                throw new VideoException(paths[i], "ffmpeg printed no frame count or -benchmark line");
            frames += long.Parse(f[^1].Groups[1].Value, CultureInfo.InvariantCulture);
            cpu += double.Parse(b.Groups[1].Value, CultureInfo.InvariantCulture) + double.Parse(b.Groups[2].Value, CultureInfo.InvariantCulture);
        }
        // A tiny video can decode in under ffmpeg's timer resolution (1 ms).
        return new ContinuousDecodeResult(frames, Math.Max(cpu, 1e-3), command);
    }

    /// <summary>The command line: video only, one thread, looped to <paramref name="frames"/> frames, progress (frame count) on stdout, CPU times on stderr.</summary>
    internal static List<string> Arguments(string path, int frames) =>
    [
        "-nostdin", "-hide_banner", "-nostats", "-benchmark", "-threads", "1",
        "-stream_loop", "-1", "-i", path,
        "-map", "0:v:0", "-frames:v", frames.ToString(CultureInfo.InvariantCulture), "-progress", "pipe:1", "-f", "null", "-",
    ];

    [GeneratedRegex(@"^frame=(\d+)", RegexOptions.Multiline)]
    private static partial Regex FrameLine();

    [GeneratedRegex(@"bench: utime=([0-9.]+)s stime=([0-9.]+)s")]
    private static partial Regex BenchLine();
}
