using Jepa.Config;
using Jepa.Data;
using Jepa.Tests.TestSupport;
using Jepa.Video;
using Serilog.Core;

namespace Jepa.Tests.Data;

public class StreamingClipSourceTests
{
    // One-second clips of 8 frames at 8 fps, 32 px: the quickstart's clip at half the size.
    private static readonly DataConfig Data = new() { Frames = 8, Fps = 8, Size = 32, CropScaleMin = 0.5 };
    private const int ClipBytes = 8 * 32 * 32 * 3;

    private static async Task<StreamingClipSource> Source(IEnumerable<string> paths, DataConfig data, BadVideoLog bad)
    {
        var videos = new List<(string, double)>();
        foreach (var p in paths)
        {
            // Broken files have no duration; any positive one lets the source try (and fail on) them.
            try { videos.Add((p, (await VideoProbe.ProbeAsync(p)).DurationS)); }
            catch (VideoException) { videos.Add((p, 2.0)); }
        }
        return new StreamingClipSource(videos, data, bad, "data.train");
    }

    [Fact]
    public async Task Every_codec_container_and_oddity_gives_a_whole_clip_of_the_right_shape()
    {
        var source = await Source(OddVideos.Usable, Data, new BadVideoLog(null, Logger.None));

        for (int v = 0; v < OddVideos.Usable.Count; v++)
        {
            var buffer = new byte[ClipBytes];
            var used = await source.FillAsync(new ClipRef(v, 2), 8, buffer, CancellationToken.None);

            Assert.Equal(v, used.Video);
            // Every frame is real picture, not padding: testsrc2 and colours are never all black.
            for (int f = 0; f < 8; f++)
                Assert.Contains(buffer.AsSpan(f * 32 * 32 * 3, 32 * 32 * 3).ToArray(), b => b > 40);
        }
        // 1.5 s at 8 fps is 12 frames on the clip grid, 2 s (minus the last VFR frame) is 15.
        Assert.Equal([15, 12, 12, 12, 12, 12, 12, 16], source.FrameCounts);
    }

    [Fact]
    public async Task A_variable_frame_rate_clip_covers_its_real_duration()
    {
        var source = await Source([OddVideos.VfrRedThenBlue], Data, new BadVideoLog(null, Logger.None));
        var buffer = new byte[ClipBytes];

        // Frames 4..11 at 8 fps: 0.5 s to 1.375 s, red (10 fps part) for 4 frames, then blue (30 fps part).
        await source.FillAsync(new ClipRef(0, 4), 8, buffer, CancellationToken.None);

        for (int f = 0; f < 8; f++)
        {
            int centre = (f * 32 * 32 + 16 * 32 + 16) * 3;
            var (r, b) = (buffer[centre], buffer[centre + 2]);
            Assert.True(f < 4 ? r > 200 && b < 60 : b > 200 && r < 60, $"frame {f}: r {r} b {b}");
        }
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_batches_with_one_or_two_workers()
    {
        var source = await Source(OddVideos.Usable, Data, new BadVideoLog(null, Logger.None));
        var a = new List<(byte[], ClipRef[])>();
        var b = new List<(byte[], ClipRef[])>();
        using (var one = new BatchLoader(source, 4, 8, true, 0.5, seed: 3, firstStep: 0, workers: 1))
            for (int i = 0; i < 2; i++) { var (x, c, _) = one.Next(CancellationToken.None); a.Add((x, c)); }
        using (var two = new BatchLoader(source, 4, 8, true, 0.5, seed: 3, firstStep: 0, workers: 2))
            for (int i = 0; i < 2; i++) { var (x, c, _) = two.Next(CancellationToken.None); b.Add((x, c)); }

        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(a[i].Item2, b[i].Item2);
            Assert.True(a[i].Item1.AsSpan().SequenceEqual(b[i].Item1), $"batch {i} differs");
        }
    }

    [Fact]
    public async Task A_bad_video_is_skipped_listed_once_and_its_clip_taken_from_the_next_video()
    {
        var csv = Path.Combine(TestVideos.NewFolder("bad-csv"), "bad_videos.csv");
        var bad = new BadVideoLog(csv, Logger.None);
        var source = await Source([TestVideos.Garbage, TestVideos.Testsrc30], Data, bad);

        var first = await source.FillAsync(new ClipRef(0, 3), 8, new byte[ClipBytes], CancellationToken.None);
        var again = await source.FillAsync(new ClipRef(0, 3), 8, new byte[ClipBytes], CancellationToken.None);

        Assert.Equal(new ClipRef(1, 3), first);
        Assert.Equal(first, again);
        var rejected = Assert.Single(bad.All);
        Assert.Equal(TestVideos.Garbage, rejected.Path);
        Assert.StartsWith("cannot decode: ", rejected.Reason);
        var lines = File.ReadAllLines(csv);
        Assert.Equal("path,reason", lines[0]);
        Assert.Equal(2, lines.Length);
    }

    [Fact]
    public async Task When_every_video_fails_the_loader_stops_with_one_sentence_naming_the_key()
    {
        var source = await Source([TestVideos.Garbage, TestVideos.Empty], Data, new BadVideoLog(null, Logger.None));
        using var loader = new BatchLoader(source, 2, 8, false, 1, seed: 0, firstStep: 0, workers: 2);

        var e = Assert.Throws<UsageException>(() => loader.Next(CancellationToken.None));

        Assert.StartsWith("data.train: every one of the 2 videos failed", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("pad", true)]
    [InlineData("skip", false)]
    public async Task A_video_shorter_than_a_clip_is_padded_or_skipped_as_configured(string mode, bool padded)
    {
        var bad = new BadVideoLog(null, Logger.None);
        var source = await Source([OddVideos.Short, TestVideos.Testsrc30], Data with { ShortVideos = mode }, bad);
        var buffer = new byte[ClipBytes];

        var used = await source.FillAsync(new ClipRef(0, 0), 8, buffer, CancellationToken.None);

        Assert.Equal(padded ? 0 : 1, used.Video);
        Assert.Equal(padded ? 0 : 1, bad.Count);
        if (padded)
            Assert.True(buffer.AsSpan(7 * 32 * 32 * 3, 32 * 32 * 3).SequenceEqual(buffer.AsSpan(3 * 32 * 32 * 3, 32 * 32 * 3)));
    }
}
