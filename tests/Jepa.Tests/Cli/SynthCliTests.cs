namespace Jepa.Tests.Cli;

public class SynthCliTests
{
    private static readonly string[] Small = ["--seconds", "0.5", "--size", "32"];

    private static string[] Videos(string dir) =>
        Directory.EnumerateFiles(dir, "*.mp4", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Synth_into_an_earlier_set_is_refused_and_overwrite_leaves_only_the_new_set_and_the_users_files()
    {
        var dir = JepaProcess.TempDir("synth-again");
        var set = Path.Combine(dir, "set");
        Assert.Equal(0, JepaProcess.Run(dir, ["synth", "--out", "set", "--train", "3", "--val", "1", .. Small]).ExitCode);
        var manifest = File.ReadAllText(Path.Combine(set, "manifest.csv"));

        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, ["synth", "--out", "set", "--train", "1", "--val", "1", .. Small]), "pass --overwrite");
        Assert.Equal(4, Videos(set).Length);
        Assert.Equal(manifest, File.ReadAllText(Path.Combine(set, "manifest.csv")));

        File.WriteAllText(Path.Combine(set, "notes.txt"), "mine");
        var r = JepaProcess.Run(dir, ["synth", "--out", "set", "--train", "1", "--val", "1", "--overwrite", .. Small]);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(["train/bouncing_0000.mp4", "val/bouncing_0001.mp4"], Videos(set));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(set, "notes.txt")));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(set, "manifest.csv")).Length);
    }

    [Fact]
    public void Synth_out_that_is_a_file_is_one_sentence_naming_out()
    {
        var dir = JepaProcess.TempDir("synth-file");
        File.WriteAllText(Path.Combine(dir, "taken"), "mine");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, ["synth", "--out", "taken", "--train", "1", "--val", "0", .. Small]), "--out " + Path.Combine(dir, "taken") + " is a file");
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "taken")));
    }

    [Fact]
    public void Flags_another_kind_reads_are_refused_and_help_describes_every_kind()
    {
        var dir = JepaProcess.TempDir("synth-flags");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "synth", "--kind", "voe", "--out", "v", "--train", "5"), "--train does not apply to --kind voe; its own flags are --groups");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "synth", "--kind", "physics", "--out", "p", "--gravity"), "--gravity does not apply to --kind physics");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "synth", "--out", "b", "--groups", "3"), "--groups does not apply to --kind bouncing");
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));

        var help = JepaProcess.Run(dir, "synth", "--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var kind in new[] { "bouncing", "physics", "voe" })
            Assert.Contains($"({kind})", help.Stdout);
    }
}
