using System.Text.Json;
using Jepa.Evaluation;
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

        // Per event: each event's best row on the selection set, never worse there than the overall choice, and where it is
        // the overall row, the test figures are the selected row's.
        var perEvent = selected.GetProperty("per_event");
        var picks = perEvent.GetProperty("by_event").EnumerateArray().ToList();
        Assert.Equal(6, picks.Count);
        var aloneEvents = Voe(dir, "alone").GetProperty("by_event").EnumerateArray().ToDictionary(e => e.GetProperty("event").GetString()!, e => e.GetProperty("relative_accuracy").GetDouble());
        var selectedEvents = selected.GetProperty("by_event").EnumerateArray().ToDictionary(e => e.GetProperty("event").GetString()!);
        foreach (var pick in picks)
        {
            string name = pick.GetProperty("event").GetString()!;
            Assert.True(pick.GetProperty("on_selection_set").GetDouble() >= aloneEvents[name] - 1e-12, $"{name}: the pick is worse on the selection set than the overall row");
            if ((pick.GetProperty("level").GetInt32(), pick.GetProperty("statistic").GetString()) == (selected.GetProperty("level").GetInt32(), selected.GetProperty("statistic").GetString()))
            {
                Assert.Equal(aloneEvents[name], pick.GetProperty("on_selection_set").GetDouble(), 12);
                Assert.Equal(selectedEvents[name].GetProperty("relative_accuracy").GetDouble(), pick.GetProperty("relative_accuracy").GetDouble(), 12);
            }
        }
        double comparisons = picks.Sum(p => p.GetProperty("pairs").GetInt32());
        Assert.Equal(picks.Sum(p => p.GetProperty("relative_accuracy").GetDouble() * p.GetProperty("pairs").GetInt32()) / comparisons,
            perEvent.GetProperty("relative_accuracy").GetDouble(), 12);
        Assert.Contains("Selected in advance per event", r.Stdout);

        // --select names the row directly.
        var named = JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", test, "--select", "2:token_max_time_mean", "--out", "named");
        Assert.True(named.ExitCode == 0, named.Stderr);
        var fixedRow = Voe(dir, "named").GetProperty("selected");
        Assert.Equal((2, "token_max_time_mean", "--select"),
            (fixedRow.GetProperty("level").GetInt32(), fixedRow.GetProperty("statistic").GetString(), fixedRow.GetProperty("chosen_on").GetString()));
    }

    [Fact]
    public void Each_event_keeps_the_overall_row_unless_another_scores_it_strictly_better_on_the_selection_set()
    {
        var rows = new[] { Row(1, "token_mean_time_max", 0.8), Row(2, "token_mean_time_max", 0.7), Row(2, "pooled_time_mean", 0.6) };
        VoeEventRow E(string name, double accuracy) => new(name, 16, accuracy, 0.5, 0.5);
        var section = new VoeSection(rows, rows[0], 3, 10, 32, [], [E("a", 0.9), E("b", 0.5)])
        {
            EventsByRow = new Dictionary<(int, string), IReadOnlyList<VoeEventRow>>
            {
                [(1, "token_mean_time_max")] = [E("a", 0.9), E("b", 0.5)],
                [(2, "token_mean_time_max")] = [E("a", 0.9), E("b", 0.75)],
                [(2, "pooled_time_mean")] = [E("a", 1.0), E("b", 0.75)],
            },
        };
        var picks = section.PickPerEvent().ToDictionary(p => p.Event);
        Assert.Equal((2, "pooled_time_mean", 1.0), (picks["a"].Level, picks["a"].Statistic, picks["a"].OnSelectionSet));
        // b: two rows tie at 0.75; the one ranked higher overall wins.
        Assert.Equal((2, "token_mean_time_max", 0.75), (picks["b"].Level, picks["b"].Statistic, picks["b"].OnSelectionSet));

        static VoeRow Row(int level, string statistic, double accuracy) => new(level, statistic, accuracy, accuracy, 0.5, 0.5, 0.5, 0.5);
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
