using Jepa.Tests.TestSupport;
using Jepa.Video;

namespace Jepa.Tests.Video;

public class FrameDecoderTests
{
    [Fact]
    public async Task Decoding_a_generated_video_gives_the_requested_frame_count_and_size()
    {
        var video = Directory.GetFiles(Path.Combine(TestVideos.BouncingDir, "train"), "*.mp4")[0];

        var frames = await FrameDecoder.DecodeAsync(video, 0, maxFrames: 5, fps: 8, size: 32);

        Assert.Equal(5, frames.Count);
        Assert.Equal(32, frames.Size);
        Assert.Equal(5 * 32 * 32 * 3, frames.Rgb.Length);
        Assert.Equal(32 * 32 * 3, frames.Frame(4).Length);
    }

    [Fact]
    public async Task Decoding_to_the_end_gives_every_frame_of_the_video()
    {
        var video = Directory.GetFiles(Path.Combine(TestVideos.BouncingDir, "val"), "*.mp4")[0];
        var o = TestVideos.BouncingOptions;

        var frames = await FrameDecoder.DecodeAsync(video, 0, maxFrames: null, fps: o.Fps, size: o.Size);

        Assert.Equal(o.FrameCount, frames.Count);
    }

    [Theory]
    [InlineData(10, 0.0, 20)]
    [InlineData(5, 0.0, 10)]
    [InlineData(10, 0.5, 15)]
    public async Task A_30_fps_source_is_resampled_to_the_requested_rate(double fps, double start, int expected)
    {
        var frames = await FrameDecoder.DecodeAsync(TestVideos.Testsrc30, start, null, fps, 24);

        Assert.Equal(expected, frames.Count);
    }

    [Fact]
    public async Task A_30_fps_source_decoded_at_10_fps_for_one_second_gives_10_frames()
    {
        var frames = await FrameDecoder.DecodeAsync(TestVideos.Testsrc30, 0.5, maxFrames: 10, fps: 10, size: 24);

        Assert.Equal(10, frames.Count);
    }

    [Theory]
    [InlineData(0.2, 255, 0)]
    [InlineData(0.9, 255, 0)]
    [InlineData(1.1, 0, 255)]
    [InlineData(1.6, 0, 255)]
    public async Task The_start_time_is_honoured(double start, int red, int blue)
    {
        var frames = await FrameDecoder.DecodeAsync(TestVideos.RedThenBlue, start, 1, 25, 16);

        var centre = frames.Frame(0).Slice((8 * 16 + 8) * 3, 3);
        Assert.InRange(centre[0], red - 30, red + 30);
        Assert.InRange(centre[2], blue - 30, blue + 30);
    }

    [Fact]
    public async Task Seeking_gives_the_same_frame_as_counting_from_the_start()
    {
        var full = await FrameDecoder.DecodeAsync(TestVideos.Testsrc30, 0, null, 10, 32);
        var seeked = await FrameDecoder.DecodeAsync(TestVideos.Testsrc30, 1.0, 3, 10, 32);

        for (int i = 0; i < 3; i++)
            Assert.True(MeanAbsDiff(full.Frame(10 + i), seeked.Frame(i)) < 2,
                $"frame {i} after seeking differs from frame {10 + i} of the full decode");
    }

    [Fact]
    public async Task A_non_square_video_is_scaled_on_its_short_side_and_centre_cropped()
    {
        // 80x48 → 40x24 for size 24, cropped to the centre 24x24; the rotated copy is 48x80 → 24x40.
        var frames = await FrameDecoder.DecodeAsync(TestVideos.Testsrc30, 0, 1, 30, 24);
        var rotated = await FrameDecoder.DecodeAsync(TestVideos.Rotated, 0, 1, 30, 24);

        Assert.Equal(1, frames.Count);
        Assert.Equal(1, rotated.Count);
        // Rotation is applied, so the two crops show different parts of the pattern.
        Assert.True(MeanAbsDiff(frames.Frame(0), rotated.Frame(0)) > 5);
    }

    [Fact]
    public async Task A_truncated_file_gives_fewer_frames_not_an_exception()
    {
        var full = await FrameDecoder.DecodeAsync(TestVideos.Testsrc30, 0, null, 30, 16);
        var cut = await FrameDecoder.DecodeAsync(TestVideos.Truncated, 0, null, 30, 16);

        Assert.Equal(60, full.Count);
        Assert.InRange(cut.Count, 1, full.Count - 1);
    }

    [Fact]
    public async Task A_garbage_file_is_reported_as_undecodable()
    {
        var e = await Assert.ThrowsAsync<VideoException>(() => FrameDecoder.DecodeAsync(TestVideos.Garbage, 0, 4, 8, 16));

        Assert.StartsWith("cannot decode: ", e.Reason);
        Assert.Equal(TestVideos.Garbage, e.Path);
    }

    [Fact]
    public async Task An_empty_file_is_reported_as_empty()
    {
        var e = await Assert.ThrowsAsync<VideoException>(() => FrameDecoder.DecodeAsync(TestVideos.Empty, 0, 4, 8, 16));

        Assert.Equal("empty file", e.Reason);
    }

    [Fact]
    public async Task A_missing_file_is_reported_as_not_found()
    {
        var e = await Assert.ThrowsAsync<VideoException>(() => FrameDecoder.DecodeAsync(TestVideos.Missing, 0, 4, 8, 16));

        Assert.Equal("not found", e.Reason);
    }

    [Fact]
    public async Task A_decode_past_its_timeout_is_killed_and_reported_as_timed_out()
    {
        var e = await Assert.ThrowsAsync<VideoException>(() => FrameDecoder.DecodeAsync(
            TestVideos.Testsrc30, 0, null, 30, 16, timeout: TimeSpan.FromMilliseconds(1)));

        Assert.Equal("timed out", e.Reason);
    }

    [Fact]
    public async Task A_hung_ffmpeg_is_killed_at_the_timeout_while_its_output_is_being_read()
    {
        // -re with an endless source: ffmpeg writes one frame a second forever, like a stalled read.
        string[] args = ["-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc=s=16x16:r=1",
            "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"];
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<VideoException>(() => FfmpegProcess.RunAsync(
            "ffmpeg", args, "endless", 0, TimeSpan.FromSeconds(1.5), CancellationToken.None));

        Assert.Equal("timed out", e.Reason);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.4, 10);
    }

    [Fact]
    public async Task Cancelling_a_decode_throws_operation_cancelled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => FrameDecoder.DecodeAsync(TestVideos.Testsrc30, 0, null, 30, 16, cts.Token));
    }

    private static double MeanAbsDiff(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += Math.Abs(a[i] - b[i]);
        return (double)sum / a.Length;
    }
}
