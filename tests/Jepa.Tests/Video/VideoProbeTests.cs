using Jepa.Tests.TestSupport;
using Jepa.Video;

namespace Jepa.Tests.Video;

public class VideoProbeTests
{
    [Fact]
    public async Task Probing_reports_size_frame_rate_duration_codec_and_frame_count()
    {
        var info = await VideoProbe.ProbeAsync(TestVideos.Testsrc30);

        Assert.Equal(80, info.Width);
        Assert.Equal(48, info.Height);
        Assert.Equal(30, info.Fps, 3);
        Assert.Equal(2.0, info.DurationS, 1);
        Assert.Equal("h264", info.Codec);
        Assert.Equal(60, info.Frames);
        Assert.True(Path.IsPathFullyQualified(info.Path));
    }

    [Fact]
    public async Task Probing_a_rotated_video_reports_its_displayed_size()
    {
        var info = await VideoProbe.ProbeAsync(TestVideos.Rotated);

        Assert.Equal(48, info.Width);
        Assert.Equal(80, info.Height);
    }

    [Fact]
    public async Task Probing_a_synthetic_video_matches_its_options()
    {
        var o = TestVideos.BouncingOptions;
        var video = Directory.GetFiles(Path.Combine(TestVideos.BouncingDir, "train"), "*.mp4")[0];

        var info = await VideoProbe.ProbeAsync(video);

        Assert.Equal((o.Size, o.Size), (info.Width, info.Height));
        Assert.Equal(o.Fps, info.Fps, 3);
        Assert.Equal(o.FrameCount, info.Frames);
    }

    [Fact]
    public async Task Probing_a_file_without_video_reports_no_video_stream()
    {
        var e = await Assert.ThrowsAsync<VideoException>(() => VideoProbe.ProbeAsync(TestVideos.AudioOnly));

        Assert.Equal("no video stream", e.Reason);
    }

    [Fact]
    public async Task Probing_garbage_reports_cannot_decode_with_ffprobes_reason()
    {
        var e = await Assert.ThrowsAsync<VideoException>(() => VideoProbe.ProbeAsync(TestVideos.Garbage));

        Assert.StartsWith("cannot decode: ", e.Reason);
        Assert.True(e.Reason.Length > "cannot decode: ".Length);
    }

    [Fact]
    public async Task Probing_an_empty_file_reports_empty_file()
    {
        var e = await Assert.ThrowsAsync<VideoException>(() => VideoProbe.ProbeAsync(TestVideos.Empty));

        Assert.Equal("empty file", e.Reason);
    }

    [Fact]
    public async Task Probing_a_missing_file_reports_not_found()
    {
        var e = await Assert.ThrowsAsync<VideoException>(() => VideoProbe.ProbeAsync(TestVideos.Missing));

        Assert.Equal("not found", e.Reason);
        Assert.Contains(TestVideos.Missing, e.Message);
    }
}
