using Jepa.Config;
using Jepa.Tests.TestSupport;
using Jepa.Video;
using Jepa.Video.Prepare;

namespace Jepa.Tests.Video;

/// <summary>The parts of jepa prepare that need no ffmpeg: sizes, segment boundaries, names, refusals.</summary>
public class PrepareTests
{
    private static readonly DataConfig Base = new() { Fps = 4, Frames = 16, Size = 224 };

    [Theory]
    [InlineData(224, 224)]
    [InlineData(64, 64)]
    [InlineData(63, 64)]
    public void The_short_side_is_the_size_rounded_up_to_even(int size, int expected) =>
        Assert.Equal(expected, PrepareSettings.ShortSideFor(size));

    [Theory]
    [InlineData(1280, 720, 256, 456, 256)]
    [InlineData(720, 1280, 256, 256, 456)]
    [InlineData(80, 48, 38, 64, 38)]
    [InlineData(100, 60, 256, 100, 60)]   // never enlarged
    [InlineData(37, 23, 256, 36, 22)]     // odd sizes become even
    public void Outputs_keep_the_aspect_ratio_with_even_sides_and_are_never_enlarged(int w, int h, int side, int ew, int eh) =>
        Assert.Equal((ew, eh), Transcoder.OutputSize(w, h, side));

    [Fact]
    public void Long_sources_are_cut_into_equal_segments_at_keyframes()
    {
        var s = PrepareSettings.For(Base, 1);
        Assert.Equal(16, s.Gop);                 // a keyframe every clip: 16 frames = 4 s at 4 fps
        Assert.Empty(Transcoder.SegmentStarts(59.9, s));
        Assert.Equal([32.0], Transcoder.SegmentStarts(61, s));             // 30.5 s → the keyframe at 32 s
        var hour = Transcoder.SegmentStarts(3601, s);
        Assert.Equal(60, hour.Count);                                       // 61 parts, none a 1-s tail
        Assert.All(hour, t => Assert.Equal(0, t % 4, 6));
        var lengths = hour.Zip(hour.Skip(1), (a, b) => b - a).Append(3601 - hour[^1]).Prepend(hour[0]).ToList();
        Assert.All(lengths, l => Assert.InRange(l, 52, 64));
    }

    [Fact]
    public void Segments_are_at_least_four_clips_long()
    {
        var s = PrepareSettings.For(Base with { Frames = 64 }, 1, segmentSeconds: 10);
        Assert.Equal(64.0, s.SegmentSeconds);    // 64 frames at 4 fps = 16 s per clip
    }

    [Fact]
    public void The_settings_key_changes_with_every_value_that_decides_the_output()
    {
        var s = PrepareSettings.For(Base, 2);
        Assert.NotEqual(s.Key, PrepareSettings.For(Base with { Fps = 8 }, 2).Key);
        Assert.NotEqual(s.Key, PrepareSettings.For(Base, 2, shortSide: 300).Key);
        Assert.NotEqual(s.Key, PrepareSettings.For(Base, 2, crf: 23).Key);
        Assert.Equal(s.Key, PrepareSettings.For(Base, 1).Key);   // workers change speed, not the files
    }

    [Fact]
    public void A_short_side_below_the_training_size_is_refused()
    {
        var e = Assert.Throws<UsageException>(() => PrepareSettings.For(Base, 1, shortSide: 200));
        Assert.Contains("smaller than data.size 224", e.Message);
    }

    [Fact]
    public void Output_names_are_safe_stable_and_distinct_for_the_same_file_name_in_two_folders()
    {
        var a = CorpusPreparer.KeyFor("/data/a/clip one.mp4");
        Assert.Equal(a, CorpusPreparer.KeyFor("/data/a/clip one.mp4"));
        Assert.NotEqual(a, CorpusPreparer.KeyFor("/data/b/clip one.mp4"));
        Assert.Matches("^clip_one-[0-9a-f]{10}$", a);
        Assert.DoesNotContain("/", CorpusPreparer.KeyFor("/x/../../etc.mp4"));
    }

    [Fact]
    public void An_output_folder_the_sources_would_pick_up_is_refused()
    {
        var src = TestVideos.NewFolder("prepare-src");
        File.Copy(TestVideos.Testsrc30, Path.Combine(src, "a.mp4"));
        var entries = CorpusPreparer.Collect([src]);
        var inside = Assert.Throws<UsageException>(() => CorpusPreparer.CheckOutFolder(Path.Combine(src, "prepared"), [src], entries));
        Assert.Contains("is inside the source folder", inside.Message);
        var glob = Path.Combine(src, "**", "*.mp4");
        var byGlob = Assert.Throws<UsageException>(() => CorpusPreparer.CheckOutFolder(Path.Combine(src, "p"), [glob], entries));
        Assert.Contains("is where the glob", byGlob.Message);
        // A glob of the folder's top level does not reach DIR/videos/<name>/000.mp4.
        CorpusPreparer.CheckOutFolder(Path.Combine(src, "p"), [Path.Combine(src, "*.mp4")], entries);
        CorpusPreparer.CheckOutFolder(src + "-prepared", [src], entries);
    }

    [Fact]
    public void A_split_folder_gives_each_video_its_split_not_a_label()
    {
        var entries = CorpusPreparer.Collect([TestVideos.BouncingDir]);
        Assert.Equal(8, entries.Count);
        Assert.Equal(6, entries.Count(e => e.Split == "train"));
        Assert.Equal(2, entries.Count(e => e.Split == "val"));
        Assert.All(entries, e => Assert.Null(e.Label));
    }
}
