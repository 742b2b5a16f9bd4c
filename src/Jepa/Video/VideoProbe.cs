using System.Globalization;
using System.Text.Json;

namespace Jepa.Video;

/// <summary>Reads a video's duration, frame rate, size and codec with one ffprobe call.</summary>
public static class VideoProbe
{
    // A probe reads only headers; anything slower than this is a hung process on a broken file or mount.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Probes <paramref name="path"/>. Throws <see cref="VideoException"/> when the file is missing,
    /// empty, has no video stream or cannot be parsed.
    /// </summary>
    public static async Task<VideoInfo> ProbeAsync(string path, CancellationToken ct = default, TimeSpan? timeout = null)
    {
        VideoException.ThrowIfMissingOrEmpty(path);
        // A direct ffprobe process with -of json: measured 100–145 ms per probe here against 130–195 ms
        // for FFMpegCore's FFProbe (whose first call costs ~320 ms). "V:0" skips attached cover art.
        string[] args =
        [
            "-v", "error", "-select_streams", "V:0", "-show_streams", "-show_format", "-of", "json", path,
        ];
        var result = await FfmpegProcess.RunAsync("ffprobe", args, path, 1 << 14, timeout ?? Timeout, ct);
        if (result.ExitCode != 0)
            throw new VideoException(path, "cannot decode: " + result.ErrorFor(path));
        return Parse(path, result.Stdout.AsSpan(0, result.Length));
    }

    internal static VideoInfo Parse(string path, ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        var root = doc.RootElement;
        if (!root.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0)
            throw new VideoException(path, "no video stream");
        var s = streams[0];

        int width = GetInt(s, "width");
        int height = GetInt(s, "height");
        if (width <= 0 || height <= 0)
            throw new VideoException(path, "cannot decode: the video stream has no frame size");
        if (Math.Abs(Rotation(s)) % 180 == 90)
            (width, height) = (height, width);

        // avg_frame_rate is the real mean rate; r_frame_rate is a guess from timestamps (and 0/0 for some VFR files).
        double fps = Rational(GetString(s, "avg_frame_rate"));
        if (fps <= 0)
            fps = Rational(GetString(s, "r_frame_rate"));

        double duration = GetDouble(s, "duration");
        if (duration <= 0 && root.TryGetProperty("format", out var format))
            duration = GetDouble(format, "duration");

        long frames = (long)GetDouble(s, "nb_frames");
        if (frames <= 0)
            frames = (long)Math.Round(duration * fps);

        return new VideoInfo(System.IO.Path.GetFullPath(path), Math.Max(duration, 0), fps, width, height,
            GetString(s, "codec_name") ?? "unknown", frames);
    }

    // ffmpeg 5+ reports rotation in the display-matrix side data; older muxers left a "rotate" tag.
    private static double Rotation(JsonElement stream)
    {
        if (stream.TryGetProperty("side_data_list", out var sideData))
            foreach (var d in sideData.EnumerateArray())
                if (d.TryGetProperty("rotation", out var r) && r.ValueKind == JsonValueKind.Number)
                    return Math.Round(r.GetDouble());
        if (stream.TryGetProperty("tags", out var tags) && tags.TryGetProperty("rotate", out var tag))
            return ParseDouble(tag.GetString());
        return 0;
    }

    private static string? GetString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString()) : null;

    private static int GetInt(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;

    // ffprobe writes durations and counts as JSON strings ("2.000000", "60").
    private static double GetDouble(JsonElement e, string name) => ParseDouble(GetString(e, name));

    private static double ParseDouble(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : 0;

    // "30000/1001" → 29.97; "0/0" → 0.
    private static double Rational(string? text)
    {
        if (text is null)
            return 0;
        var parts = text.Split('/');
        if (parts.Length != 2)
            return ParseDouble(text);
        double num = ParseDouble(parts[0]), den = ParseDouble(parts[1]);
        return den > 0 ? num / den : 0;
    }
}
