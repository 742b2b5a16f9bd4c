using System.Globalization;
using Jepa.Video;

namespace Jepa.Data;

/// <summary>
/// A video's keyframe times and frame rate, read from its packets (ffprobe demuxes, decodes nothing),
/// to estimate what a random clip costs: a seek lands on the keyframe at or before the clip's start
/// and every frame from there to the clip's end is decoded at the source's rate.
/// </summary>
public sealed record KeyframeIndex(IReadOnlyList<double> KeyframesS, double SourceFps)
{
    /// <summary>Frames ffmpeg decodes for a clip from <paramref name="startS"/> to <paramref name="endS"/> seconds.</summary>
    public double FramesDecoded(double startS, double endS)
    {
        // The last keyframe at or before the start (a file whose first packet is no keyframe decodes from 0).
        int i = BinarySearchFloor(startS);
        double from = i < 0 ? 0 : KeyframesS[i];
        return Math.Max(1, Math.Round((endS - from) * SourceFps));
    }

    private int BinarySearchFloor(double t)
    {
        int lo = 0, hi = KeyframesS.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (KeyframesS[mid] <= t + 1e-6) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }

    /// <summary>Reads the packets of the first video stream of <paramref name="path"/>.</summary>
    public static async Task<KeyframeIndex> ProbeAsync(string path, CancellationToken ct)
    {
        var result = await FfmpegProcess.RunAsync("ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=avg_frame_rate:packet=pts_time,flags", "-of", "csv=p=1", path],
            path, 0, TimeSpan.FromMinutes(2), ct);
        if (result.ExitCode != 0)
            throw new VideoException(path, "cannot read packets: " + result.ErrorFor(path));
        var keys = new List<double>();
        double fps = 0;
        foreach (var line in System.Text.Encoding.UTF8.GetString(result.Stdout, 0, result.Length).Split('\n', StringSplitOptions.TrimEntries))
        {
            var f = line.Split(',');
            if (f is ["packet", var pts, var flags, ..] && flags.StartsWith('K') && double.TryParse(pts, CultureInfo.InvariantCulture, out double t))
                keys.Add(t);
            else if (f is ["stream", var rate, ..])
                fps = Rate(rate);
        }
        if (fps <= 0)
            throw new VideoException(path, "no frame rate in the video stream");
        // Packets come in decode order; B-frames make presentation times out of order, keyframes included.
        keys.Sort();
        return new KeyframeIndex(keys, fps);
    }

    private static double Rate(string r)
    {
        var p = r.Split('/');
        var c = CultureInfo.InvariantCulture;
        return p.Length == 2 && double.TryParse(p[0], c, out double n) && double.TryParse(p[1], c, out double d) && d > 0 ? n / d : 0;
    }
}
