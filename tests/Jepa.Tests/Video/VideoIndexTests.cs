using Jepa.Config;
using Jepa.Tests.TestSupport;
using Jepa.Video;

namespace Jepa.Tests.Video;

public class VideoIndexTests
{
    // One-second clips (8 frames at 8 fps), as the quickstart.
    private static readonly IndexOptions Options = new(1.0, 8, PadShort: false, Workers: 2, TimeSpan.FromSeconds(30));

    private static VideoEntry Entry(string path) => new(path, null, null, new Dictionary<string, string>());

    [Fact]
    public async Task Every_kind_of_bad_file_gets_its_reason_and_every_good_file_is_ok()
    {
        var (folder, good, bad) = OddVideos.MixedFolder("index-mixed");
        var entries = VideoList.Resolve(folder).Append(Entry(Path.Combine(folder, "gone.mp4"))).ToList();

        var rows = await VideoIndex.BuildAsync(entries, Options, null, null, CancellationToken.None);

        Assert.Equal(good.Order(StringComparer.Ordinal), rows.Where(r => r.IsOk).Select(r => r.Path).Order(StringComparer.Ordinal));
        foreach (var (path, reason) in bad)
            Assert.StartsWith(reason, Assert.Single(rows, r => r.Path == path).Reason);
        Assert.Equal("not found", Assert.Single(rows, r => r.Path.EndsWith("gone.mp4", StringComparison.Ordinal)).Reason);
        Assert.All(rows.Where(r => !r.IsOk), r => Assert.DoesNotContain('\n', r.Reason));
    }

    [Fact]
    public async Task Every_codec_container_and_oddity_ffmpeg_reads_is_ok_with_its_duration()
    {
        var rows = await VideoIndex.BuildAsync(OddVideos.Usable.Select(Entry).ToList(), Options, null, null, CancellationToken.None);

        Assert.All(rows, r => Assert.True(r.IsOk, $"{r.Path}: {r.Reason}"));
        Assert.All(rows, r => Assert.InRange(r.DurationS, 1.4, 2.1));
        Assert.Equal(["h264", "hevc", "mpeg4", "vp9", "av1", "mjpeg", "h264", "h264"], rows.Select(r => r.Codec));
    }

    [Fact]
    public async Task A_short_video_is_ok_when_short_videos_are_padded()
    {
        var rows = await VideoIndex.BuildAsync([Entry(OddVideos.Short)], Options with { PadShort = true }, null, null, CancellationToken.None);

        Assert.True(rows[0].IsOk);
    }

    [Fact]
    public async Task Rerunning_reuses_rows_of_unchanged_files_and_probes_changed_ones()
    {
        var dir = TestVideos.NewFolder("index-reuse");
        var a = Path.Combine(dir, "a.mp4");
        var b = Path.Combine(dir, "b.mp4");
        File.Copy(TestVideos.Testsrc30, a);
        File.Copy(TestVideos.Testsrc30, b);
        var first = await VideoIndex.BuildAsync([Entry(a), Entry(b)], Options, null, null, CancellationToken.None);
        // A codec no probe would report marks a row that was reused rather than probed again.
        var previous = first.Select(r => r with { Codec = "from-the-old-index" }).ToList();
        File.SetLastWriteTimeUtc(b, DateTime.UtcNow.AddMinutes(1));

        var second = await VideoIndex.BuildAsync([Entry(a), Entry(b)], Options, previous, null, CancellationToken.None);

        Assert.Equal("from-the-old-index", second[0].Codec);
        Assert.Equal("h264", second[1].Codec);
    }

    [Fact]
    public async Task An_index_file_is_a_video_list_of_its_ok_rows_with_durations()
    {
        var (folder, good, _) = OddVideos.MixedFolder("index-list");
        var rows = await VideoIndex.BuildAsync(VideoList.Resolve(folder), Options, null, null, CancellationToken.None);
        var index = Path.Combine(folder, "index.csv");

        IndexFile.Write(index, rows);
        var list = VideoList.Resolve(index);

        Assert.Equal(good.Order(StringComparer.Ordinal), list.Select(e => e.Path));
        Assert.Equal([2.0, 1.5], list.Select(e => Math.Round(VideoList.IndexedDuration(e)!.Value, 1)));
        Assert.Equal(rows, IndexFile.Read(index));
    }

    [Fact]
    public void An_index_with_no_usable_video_is_a_usage_error()
    {
        var dir = TestVideos.NewFolder("index-none");
        var index = Path.Combine(dir, "index.csv");
        IndexFile.Write(index, [IndexRow.Failed(Path.Combine(dir, "x.mp4"), "empty file", 0, 0, null, null)]);

        var e = Assert.Throws<UsageException>(() => VideoList.Resolve(index));

        Assert.Contains("none is usable", e.Message);
    }

    [Fact]
    public async Task A_process_that_writes_nothing_is_killed_after_the_timeout_as_timed_out()
    {
        var e = await Assert.ThrowsAsync<VideoException>(() =>
            FfmpegProcess.RunAsync("sleep", ["30"], "hung.mp4", 0, TimeSpan.FromMilliseconds(300), CancellationToken.None));

        Assert.Equal("timed out", e.Reason);
    }
}
