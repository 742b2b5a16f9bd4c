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
        Assert.Contains("Selected in advance (largest margin over the untrained model on", r.Stdout);

        // The row of the selection set alone where the model beats the untrained model by the most (then by accuracy,
        // then AUROC) is the row reported as selected on the test set.
        var alone = JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", choose, "--out", "alone");
        Assert.True(alone.ExitCode == 0, alone.Stderr);
        var best = Voe(dir, "alone").GetProperty("levels").EnumerateArray()
            .OrderByDescending(x => Math.Round(x.GetProperty("relative_accuracy").GetDouble() - x.GetProperty("untrained_relative_accuracy").GetDouble(), 9))
            .ThenByDescending(x => x.GetProperty("relative_accuracy").GetDouble()).ThenByDescending(x => x.GetProperty("auroc").GetDouble()).First();
        var voe = Voe(dir, "on");
        var selected = voe.GetProperty("selected");
        Assert.Equal((best.GetProperty("level").GetInt32(), best.GetProperty("statistic").GetString()),
            (selected.GetProperty("level").GetInt32(), selected.GetProperty("statistic").GetString()));
        var row = voe.GetProperty("levels").EnumerateArray().Single(x => x.GetProperty("level").GetInt32() == selected.GetProperty("level").GetInt32()
            && x.GetProperty("statistic").GetString() == selected.GetProperty("statistic").GetString());
        Assert.Equal(row.GetProperty("relative_accuracy").GetDouble(), selected.GetProperty("relative_accuracy").GetDouble());
        Assert.Equal(row.GetProperty("auroc").GetDouble(), selected.GetProperty("auroc").GetDouble());
        Assert.Equal(6, selected.GetProperty("by_event").GetArrayLength()); // one row per kind of violation

        // Per event: each event's row with the largest margin over the untrained model on the selection set, never a smaller
        // margin there than the overall choice's, and where it is the overall row, the test figures are the selected row's.
        var perEvent = selected.GetProperty("per_event");
        var picks = perEvent.GetProperty("by_event").EnumerateArray().ToList();
        Assert.Equal(6, picks.Count);
        string chosenRow = $"{selected.GetProperty("level").GetInt32()}:{selected.GetProperty("statistic").GetString()}";
        var there = JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", choose, "--select", chosenRow, "--out", "there");
        Assert.True(there.ExitCode == 0, there.Stderr);
        var onChoose = Voe(dir, "there").GetProperty("selected").GetProperty("by_event").EnumerateArray()
            .ToDictionary(e => e.GetProperty("event").GetString()!, e => (Model: e.GetProperty("relative_accuracy").GetDouble(), Untrained: e.GetProperty("untrained_relative_accuracy").GetDouble()));
        var selectedEvents = selected.GetProperty("by_event").EnumerateArray().ToDictionary(e => e.GetProperty("event").GetString()!);
        foreach (var pick in picks)
        {
            string name = pick.GetProperty("event").GetString()!;
            double margin = pick.GetProperty("on_selection_set").GetDouble() - pick.GetProperty("untrained_on_selection_set").GetDouble();
            Assert.True(margin >= onChoose[name].Model - onChoose[name].Untrained - 1e-9, $"{name}: the pick beats the untrained model by less than the overall row on the selection set");
            if ($"{pick.GetProperty("level").GetInt32()}:{pick.GetProperty("statistic").GetString()}" == chosenRow)
            {
                Assert.Equal(onChoose[name].Model, pick.GetProperty("on_selection_set").GetDouble(), 12);
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
    public void A_selection_set_chooses_the_largest_margin_over_the_untrained_model_overall_and_per_event()
    {
        // Level 2 is the most accurate overall, but its untrained twin nearly matches it: level 1 is chosen; best stays level 2.
        var rows = new[] { Row(1, "token_mean_time_max", 0.8, 0.6), Row(2, "token_mean_time_max", 0.9, 0.85), Row(2, "pooled_time_mean", 0.7, 0.5) };
        VoeEventRow E(string name, double accuracy, double untrained) => new(name, 16, accuracy, untrained, 0.5);
        var section = new VoeSection(rows, VoeEvaluator.Best(rows), 3, 10, 32, [], [E("a", 0.9, 0.5), E("b", 0.5, 0.5)])
        {
            EventsByRow = new Dictionary<(int, string), IReadOnlyList<VoeEventRow>>
            {
                [(1, "token_mean_time_max")] = [E("a", 0.9, 0.5), E("b", 0.5, 0.5)],
                [(2, "token_mean_time_max")] = [E("a", 1.0, 1.0), E("b", 0.75, 0.5)],
                [(2, "pooled_time_mean")] = [E("a", 0.9, 0.5), E("b", 0.75, 0.5)],
            },
        };
        Assert.Equal((2, "token_mean_time_max"), (section.Best.Level, section.Best.Statistic));
        Assert.Equal((1, "token_mean_time_max"), (section.Chosen().Level, section.Chosen().Statistic));
        var picks = section.PickPerEvent().ToDictionary(p => p.Event);
        // a: 1.00 at level 2 is no better than its untrained twin there; the overall choice keeps it (tie at 0.4 with pooled).
        Assert.Equal((1, "token_mean_time_max", 0.9, 0.5), (picks["a"].Level, picks["a"].Statistic, picks["a"].OnSelectionSet, picks["a"].UntrainedOnSelectionSet));
        // b: two rows tie at a margin of 0.25; the one ranked higher overall (pooled, margin 0.2 against 0.05) wins.
        Assert.Equal((2, "pooled_time_mean", 0.75), (picks["b"].Level, picks["b"].Statistic, picks["b"].OnSelectionSet));

        static VoeRow Row(int level, string statistic, double accuracy, double untrained) => new(level, statistic, accuracy, 0.5, untrained, 0.5, 0.5, 0.5);
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
