using Jepa.Config;
using Jepa.Tests.Cli;
using Jepa.Worlds;

namespace Jepa.Tests.Worlds;

public class SynthOutputTests
{
    private static string Touch(string root, string relative)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, relative);
        return path;
    }

    [Fact]
    public void A_folder_holding_what_a_kind_writes_is_refused_without_overwrite_and_nothing_is_touched()
    {
        var root = JepaProcess.TempDir("synth-out");
        var old = Touch(root, "train/bouncing_0191.mp4");
        Touch(root, "manifest.csv");

        var e = Assert.Throws<UsageException>(() => SynthOutput.Prepare(root, "physics", overwrite: false));

        Assert.Contains("already holds train/, manifest.csv", e.Message);
        Assert.Contains("--overwrite", e.Message);
        Assert.True(File.Exists(old));
    }

    [Fact]
    public void Overwrite_removes_every_kinds_videos_half_written_files_and_manifests_and_keeps_other_files()
    {
        var root = JepaProcess.TempDir("synth-overwrite");
        foreach (var f in new[] { "train/bouncing_0000.mp4", "train/physics_0001.mp4", "val/bouncing_0002.mp4.part", "manifest.csv" })
            Touch(root, f);
        var notes = Touch(root, "notes.txt");
        var voe = Touch(root, "voe/g0000_plausible.mp4");

        SynthOutput.Prepare(root, "bouncing", overwrite: true);

        Assert.False(Directory.Exists(Path.Combine(root, "train")));
        Assert.False(Directory.Exists(Path.Combine(root, "val")));
        Assert.False(File.Exists(Path.Combine(root, "manifest.csv")));
        Assert.True(File.Exists(notes));
        Assert.True(File.Exists(voe), "a voe set beside a training set is not what bouncing writes");
    }

    [Fact]
    public void Overwrite_stops_at_a_file_synth_did_not_write_and_deletes_nothing()
    {
        var root = JepaProcess.TempDir("synth-foreign");
        var ours = Touch(root, "voe/g0000_vanish.mp4");
        var pairs = Touch(root, "pairs.csv");
        var mine = Touch(root, "voe/my_own_clip.mp4");

        var e = Assert.Throws<UsageException>(() => SynthOutput.Prepare(root, "voe", overwrite: true));

        Assert.Contains(mine, e.Message);
        Assert.True(File.Exists(ours) && File.Exists(pairs) && File.Exists(mine));
    }

    [Fact]
    public void A_voe_set_can_go_beside_a_training_set_without_overwrite()
    {
        var root = JepaProcess.TempDir("synth-beside");
        Touch(root, "train/physics_0000.mp4");
        Touch(root, "manifest.csv");

        SynthOutput.Prepare(root, "voe", overwrite: false);
    }
}
