namespace Jepa.Tests.TestSupport;

/// <summary>
/// Small videos of the kinds real corpora hold (each codec and container, variable frame rate, odd
/// sizes, 10-bit, extra streams) and broken ones, generated once per test run with real ffmpeg.
/// Each is 1.5–2 s at 48–64 px so the whole set takes about a second to make.
/// </summary>
public static class OddVideos
{
    private static string Make(string name, params string[] args) => TestVideos.Make(name, args);

    private static readonly Lazy<string> s_vfr = new(() => Make("vfr-red10-blue30.mkv",
        "-f", "lavfi", "-i", "color=c=red:s=48x48:r=10:d=1", "-f", "lavfi", "-i", "color=c=blue:s=48x48:r=30:d=1",
        "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-fps_mode", "passthrough",
        "-c:v", "libx264", "-pix_fmt", "yuv420p"));

    /// <summary>Variable frame rate: 1 s of red at 10 fps, then 1 s of blue at 30 fps (ffprobe's avg_frame_rate is 0/0).</summary>
    public static string VfrRedThenBlue => s_vfr.Value;

    private static readonly Lazy<string> s_tenBit = new(() => Make("hevc-10bit.mp4",
        "-f", "lavfi", "-i", "testsrc2=s=64x48:r=24:d=1.5", "-c:v", "libx265", "-pix_fmt", "yuv420p10le",
        "-x265-params", "log-level=none"));

    /// <summary>H.265, 10-bit 4:2:0, 64×48, 24 fps, 1.5 s.</summary>
    public static string Hevc10Bit => s_tenBit.Value;

    private static readonly Lazy<string> s_odd = new(() => Make("odd-size.avi",
        "-f", "lavfi", "-i", "testsrc2=s=37x23:r=15:d=1.5", "-c:v", "mpeg4"));

    /// <summary>MPEG-4 part 2 in AVI at an odd size (37×23), 15 fps.</summary>
    public static string OddSizeAvi => s_odd.Value;

    private static readonly Lazy<string> s_vp9 = new(() => Make("vp9.webm",
        "-f", "lavfi", "-i", "testsrc2=s=64x48:r=25:d=1.5", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"));

    /// <summary>VP9 in WebM, 64×48, 25 fps.</summary>
    public static string Vp9Webm => s_vp9.Value;

    private static readonly Lazy<string> s_av1 = new(() => Make("av1.mkv",
        "-f", "lavfi", "-i", "testsrc2=s=64x48:r=24:d=1.5", "-c:v", "libaom-av1", "-cpu-used", "8", "-row-mt", "0"));

    /// <summary>AV1 (libaom) in Matroska, 64×48, 24 fps.</summary>
    public static string Av1Mkv => s_av1.Value;

    private static readonly Lazy<string> s_mjpeg = new(() => Make("mjpeg.mov",
        "-f", "lavfi", "-i", "testsrc2=s=64x48:r=30:d=1.5", "-c:v", "mjpeg", "-pix_fmt", "yuvj420p"));

    /// <summary>Motion JPEG in QuickTime, 64×48, 30 fps.</summary>
    public static string MjpegMov => s_mjpeg.Value;

    private static readonly Lazy<string> s_streams = new(() =>
    {
        var srt = Path.Combine(TestVideos.Root, "subs.srt");
        File.WriteAllText(srt, "1\n00:00:00,000 --> 00:00:01,000\nhello\n");
        return Make("audio-subs.mkv",
            "-f", "lavfi", "-i", "testsrc2=s=64x48:r=30:d=1.5", "-f", "lavfi", "-i", "sine=d=1.5", "-i", srt,
            "-map", "1:a", "-map", "0:v", "-map", "2:s", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-c:s", "srt");
    });

    /// <summary>Matroska whose first stream is audio, then H.264 video, then subtitles.</summary>
    public static string WithAudioAndSubtitles => s_streams.Value;

    private static readonly Lazy<string> s_short = new(() => Make("short.mp4",
        "-f", "lavfi", "-i", "testsrc2=s=48x48:r=30:d=0.4", "-c:v", "libx264", "-pix_fmt", "yuv420p"));

    /// <summary>0.4 s of H.264 at 30 fps: shorter than a one-second clip.</summary>
    public static string Short => s_short.Value;

    /// <summary>Every kind of usable file above, and <see cref="TestVideos.Rotated"/>.</summary>
    public static IReadOnlyList<string> Usable =>
        [VfrRedThenBlue, Hevc10Bit, OddSizeAvi, Vp9Webm, Av1Mkv, MjpegMov, WithAudioAndSubtitles, TestVideos.Rotated];

    /// <summary>
    /// A new folder holding copies of two good videos and one of each kind of broken file, with the
    /// reason (or its start) each broken file must get.
    /// </summary>
    public static (string Folder, IReadOnlyList<string> Good, IReadOnlyDictionary<string, string> Bad) MixedFolder(string name)
    {
        var dir = TestVideos.NewFolder(name);
        string Copy(string from, string to)
        {
            var path = Path.Combine(dir, to);
            File.Copy(from, path);
            return path;
        }
        var good = new[] { Copy(TestVideos.Testsrc30, "good.mp4"), Copy(Vp9Webm, "good.webm") };
        var bad = new Dictionary<string, string>
        {
            [Copy(TestVideos.Empty, "empty.mp4")] = "empty file",
            [Copy(TestVideos.Garbage, "garbage.mkv")] = "cannot decode: ",
            [Copy(TestVideos.AudioOnly, "audio-only.mp4")] = "no video stream",
            [Copy(TestVideos.Truncated, "truncated.mp4")] = "truncated: ",
            [Copy(Short, "short.mov")] = "too short for one clip",
        };
        return (dir, good, bad);
    }
}
