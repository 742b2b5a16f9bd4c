using Jepa.Data;
using Jepa.Tests.TestSupport;

namespace Jepa.Tests.Data;

/// <summary>The parts of the decoder's limit in <c>jepa bench data</c>, against real ffmpeg on tiny videos.</summary>
public class DecodeLimitTests
{
    // 30 fps, 2 s, a keyframe every 15 frames: keyframes at 0, 0.5, 1.0 and 1.5 s.
    private static readonly Lazy<string> s_gop15 = new(() => TestVideos.Make("gop15.mp4",
        "-f", "lavfi", "-i", "testsrc2=s=64x48:r=30:d=2", "-c:v", "libx264", "-g", "15", "-keyint_min", "15",
        "-sc_threshold", "0", "-pix_fmt", "yuv420p"));

    [Fact]
    public async Task Keyframes_and_frame_rate_are_read_from_the_packets()
    {
        var index = await KeyframeIndex.ProbeAsync(s_gop15.Value, CancellationToken.None);

        Assert.Equal(30, index.SourceFps, 6);
        Assert.Equal([0, 0.5, 1.0, 1.5], index.KeyframesS.Select(t => Math.Round(t, 3)));
    }

    [Fact]
    public async Task A_clip_costs_the_frames_from_the_keyframe_before_its_start_to_its_end()
    {
        var index = await KeyframeIndex.ProbeAsync(s_gop15.Value, CancellationToken.None);

        Assert.Equal(12, index.FramesDecoded(0.6, 0.9)); // from the keyframe at 0.5 s
        Assert.Equal(15, index.FramesDecoded(1.0, 1.5)); // a clip starting on a keyframe decodes only itself
        Assert.Equal(29, index.FramesDecoded(0.49, 0.98)); // 0.49 s is still before the second keyframe
    }

    [Fact]
    public async Task The_continuous_decode_counts_every_frame_of_the_source_and_its_cpu_time()
    {
        var r = await ContinuousDecode.MeasureAsync([TestVideos.Testsrc30, s_gop15.Value], seconds: 60, framesPerVideo: 60, CancellationToken.None);

        Assert.Equal(120, r.Frames); // 60 frames each at the source rate: nothing resampled or skipped
        Assert.True(r.CpuSeconds > 0);
        Assert.StartsWith("ffmpeg -nostdin", r.Command);
        Assert.Contains("-threads 1", r.Command);
        Assert.EndsWith("-f null -", r.Command);
    }

    [Fact]
    public async Task The_continuous_decode_stops_after_the_given_frames_and_decodes_a_short_video_again_to_reach_them()
    {
        var shorter = await ContinuousDecode.MeasureAsync([s_gop15.Value], seconds: 60, framesPerVideo: 30, CancellationToken.None);
        var looped = await ContinuousDecode.MeasureAsync([s_gop15.Value], seconds: 60, framesPerVideo: 150, CancellationToken.None);

        Assert.Equal(30, shorter.Frames);
        Assert.Equal(150, looped.Frames); // the 60-frame video two and a half times
        Assert.Contains("-stream_loop -1", looped.Command);
    }
}
