using Jepa.Tests.TestSupport;

namespace Jepa.Tests.Cli;

public class IndexCliTests
{
    private static void AssertOneSentence(JepaProcess.Result r, string mustContain)
    {
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(mustContain, line);
    }

    [Fact]
    public void Indexing_a_path_that_does_not_exist_exits_2_and_writes_no_index()
    {
        var dir = JepaProcess.TempDir("index-nothere");
        AssertOneSentence(JepaProcess.Run(dir, "index", "nothere", "--out", "index.csv"), "DATA 'nothere' does not exist");
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

        AssertOneSentence(JepaProcess.Run(dir, "index", "manifest.csv", "--out", "manifest.csv"), "is not an index written by jepa index");
        Assert.Equal("path,label,split\na.mp4,fast,train\n", File.ReadAllText(manifest));
        AssertOneSentence(JepaProcess.Run(dir, "index", "manifest.csv", "--out", "taken.csv"), "is a folder; give the path of a file");

        var first = JepaProcess.Run(dir, "index", "manifest.csv", "--out", "index.csv");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var again = JepaProcess.Run(dir, "index", "manifest.csv", "--out", "index.csv");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("(1 unchanged, reused)", again.Stdout);
        Assert.Contains(",fast,train", File.ReadAllText(Path.Combine(dir, "index.csv")));
    }
}
