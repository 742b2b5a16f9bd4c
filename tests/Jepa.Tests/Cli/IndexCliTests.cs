using Jepa.Tests.TestSupport;

namespace Jepa.Tests.Cli;

public class IndexCliTests
{
    [Fact]
    public void Indexing_a_path_that_does_not_exist_exits_2_and_writes_no_index()
    {
        var dir = JepaProcess.TempDir("index-nothere");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "index", "nothere", "--out", "index.csv"), "DATA 'nothere' does not exist");
        Assert.False(File.Exists(Path.Combine(dir, "index.csv")));
    }

    [Fact]
    public void A_bad_JEPA_CPUS_is_refused_in_one_sentence_and_no_index_is_written()
    {
        var dir = JepaProcess.TempDir("index-cpus");
        File.Copy(TestVideos.Testsrc30, Path.Combine(dir, "a.mp4"));
        var r = JepaProcess.Run(dir, new Dictionary<string, string> { ["JEPA_CPUS"] = "all" }, "index", "a.mp4", "--out", "index.csv");

        JepaProcess.AssertOneSentence(r, "JEPA_CPUS is 'all'; it must be a whole number of at least 1");
        Assert.False(File.Exists(Path.Combine(dir, "index.csv")));
    }

    [Fact]
    public void Index_never_replaces_a_manifest_or_a_folder_but_replaces_and_reuses_its_own_index()
    {
        var dir = JepaProcess.TempDir("index-out");
        File.Copy(TestVideos.Testsrc30, Path.Combine(dir, "a.mp4"));
        // A manifest as jepa synth writes it: its labels exist nowhere else.
        var manifest = Path.Combine(dir, "manifest.csv");
        File.WriteAllText(manifest, "path,label,split\na.mp4,fast,train\n");
        Directory.CreateDirectory(Path.Combine(dir, "taken.csv"));

        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "index", "manifest.csv", "--out", "manifest.csv"), "is not an index written by jepa index");
        Assert.Equal("path,label,split\na.mp4,fast,train\n", File.ReadAllText(manifest));
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "index", "manifest.csv", "--out", "taken.csv"), "is a folder; give the path of a file");

        var first = JepaProcess.Run(dir, "index", "manifest.csv", "--out", "index.csv");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var again = JepaProcess.Run(dir, "index", "manifest.csv", "--out", "index.csv");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("(1 unchanged, reused)", again.Stdout);
        Assert.Contains(",fast,train", File.ReadAllText(Path.Combine(dir, "index.csv")));
    }

    [Fact]
    public void Sharded_indexes_merge_into_the_index_one_run_writes()
    {
        var dir = JepaProcess.TempDir("index-shard");
        var videos = Directory.CreateDirectory(Path.Combine(dir, "videos")).FullName;
        foreach (var name in new[] { "a.mp4", "b.mp4", "c.mp4" }) File.Copy(TestVideos.Testsrc30, Path.Combine(videos, name));
        File.WriteAllText(Path.Combine(videos, "d.mp4"), "not a video");

        var whole = JepaProcess.Run(dir, "index", "videos", "--out", "whole.csv", "--workers", "1");
        Assert.True(whole.ExitCode == 0, whole.Stderr);
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "index", "--merge", "--out", "index.csv"), "no parts of");
        var first = JepaProcess.Run(dir, "index", "videos", "--out", "index.csv", "--shard", "0/2", "--workers", "1");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "index.csv")));
        // Videos 0 and 2 of the sorted list: a.mp4 and c.mp4.
        var part = File.ReadAllLines(Path.Combine(dir, "index-0-of-2.csv"));
        Assert.Equal(3, part.Length);
        Assert.StartsWith("videos/a.mp4,ok", part[1]);
        Assert.StartsWith("videos/c.mp4,ok", part[2]);
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "index", "--merge", "--out", "index.csv"), "1/2 is missing; run jepa index with --shard 1/2");

        var second = JepaProcess.Run(dir, "index", "videos", "--out", "index.csv", "--shard", "1/2", "--workers", "1");
        Assert.True(second.ExitCode == 0, second.Stderr);
        var merge = JepaProcess.Run(dir, "index", "--merge", "--out", "index.csv");
        Assert.True(merge.ExitCode == 0, merge.Stderr);
        Assert.Contains("Merged 4 videos (3 ok, 1 bad)", merge.Stdout);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "whole.csv")), File.ReadAllText(Path.Combine(dir, "index.csv")));
    }
}
