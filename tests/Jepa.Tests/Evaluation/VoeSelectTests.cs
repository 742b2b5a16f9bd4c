using System.Text.Json;
using Jepa.Tests.Cli;
using Jepa.Tests.TestSupport;
using Jepa.Worlds;

namespace Jepa.Tests.Evaluation;

/// <summary>A voe figure selected in advance (issue 16): chosen on one set, reported on another.</summary>
public class VoeSelectTests
{
    [Fact]
    public void Select_on_chooses_on_another_set_and_reports_that_row_with_its_events_as_selected()
    {
        var dir = JepaProcess.TempDir("voe-select");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt")); // 32 px, 4 frames
        var test = SynthPhysicsSet.GenerateVoe(Path.Combine(dir, "test"), new SynthOptions { Seconds = 1, Fps = 8, Size = 32, Seed = 3, Groups = 2 });
        var choose = SynthPhysicsSet.GenerateVoe(Path.Combine(dir, "choose"), new SynthOptions { Seconds = 1, Fps = 8, Size = 32, Seed = 11, Groups = 2 });

        var r = JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", test, "--select-on", choose, "--out", "on");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("Selected in advance (best on", r.Stdout);

        // What the selection set alone calls best is the row reported as selected on the test set.
        var alone = JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", choose, "--out", "alone");
        Assert.True(alone.ExitCode == 0, alone.Stderr);
        var best = Voe(dir, "alone").GetProperty("best");
        var voe = Voe(dir, "on");
        var selected = voe.GetProperty("selected");
        Assert.Equal((best.GetProperty("level").GetInt32(), best.GetProperty("statistic").GetString()),
            (selected.GetProperty("level").GetInt32(), selected.GetProperty("statistic").GetString()));
        var row = voe.GetProperty("levels").EnumerateArray().Single(x => x.GetProperty("level").GetInt32() == selected.GetProperty("level").GetInt32()
            && x.GetProperty("statistic").GetString() == selected.GetProperty("statistic").GetString());
        Assert.Equal(row.GetProperty("relative_accuracy").GetDouble(), selected.GetProperty("relative_accuracy").GetDouble());
        Assert.Equal(row.GetProperty("auroc").GetDouble(), selected.GetProperty("auroc").GetDouble());
        Assert.Equal(6, selected.GetProperty("by_event").GetArrayLength()); // one row per kind of violation

        // --select names the row directly.
        var named = JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", test, "--select", "2:token_max_time_mean", "--out", "named");
        Assert.True(named.ExitCode == 0, named.Stderr);
        var fixedRow = Voe(dir, "named").GetProperty("selected");
        Assert.Equal((2, "token_max_time_mean", "--select"),
            (fixedRow.GetProperty("level").GetInt32(), fixedRow.GetProperty("statistic").GetString(), fixedRow.GetProperty("chosen_on").GetString()));
    }

    [Theory]
    [InlineData("--select", "3:token_mean_time_max", "is not LEVEL:STATISTIC")]
    [InlineData("--select", "1:median", "is not LEVEL:STATISTIC")]
    [InlineData("--select-on", "SAME", "names the same CSV as the test set")]
    public void Bad_selections_are_one_sentence_before_any_work(string flag, string value, string message)
    {
        var dir = JepaProcess.TempDir("voe-select-bad");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt"));
        File.WriteAllText(Path.Combine(dir, "a.mp4"), "x");
        File.WriteAllText(Path.Combine(dir, "pairs.csv"), "path,group,plausible\na.mp4,1,1\na.mp4,1,0\n");

        var r = JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", "pairs.csv", flag, value == "SAME" ? "pairs.csv" : value);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(Directory.Exists(Path.Combine(dir, "eval")));
    }

    private static JsonElement Voe(string dir, string outDir) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, outDir, "report.json"))).RootElement.GetProperty("voe").Clone();
}
