using System.Text.Json;
using Jepa.Tests.Cli;
using Jepa.Tests.TestSupport;
using Jepa.Worlds;

namespace Jepa.Tests.Evaluation;

public class EvalCliTests
{
    [Fact]
    public void Unknown_tasks_missing_data_missing_columns_and_one_sided_groups_exit_2_with_one_sentence()
    {
        var dir = JepaProcess.TempDir("eval-errors");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt"));
        File.WriteAllText(Path.Combine(dir, "a.mp4"), "x");
        File.WriteAllText(Path.Combine(dir, "nocol.csv"), "path,group\na.mp4,1\n");
        File.WriteAllText(Path.Combine(dir, "onesided.csv"), "path,group,plausible\na.mp4,7,0\n");
        File.WriteAllText(Path.Combine(dir, "pairs.csv"), "path,group,plausible\na.mp4,1,1\na.mp4,1,0\n");

        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "physics"), "--task 'physics' is not known");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe"), "--task voe needs --data");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", "nocol.csv"), "no plausible column");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", "onesided.csv"), "group '7' needs at least one plausible");
        // The checkpoint's model sees 4 frames: a frame can be predicted from at most 3.
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", "pairs.csv", "--min-context", "4"), "--min-context 4 is out of range for this checkpoint; give 1 to 3");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", "pairs.csv", "--min-context", "0"), "--min-context 0 is out of range");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--voe-data", "pairs.csv"), "--voe-data is for --task all; with --task voe give the data as --data");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "all", "--data", "a.mp4", "--voe-data", "pairs.csv", "--min-context", "9"), "--min-context 9 is out of range");
    }

    [Fact]
    public void Task_all_runs_predict_voe_and_probe_into_one_report()
    {
        var dir = JepaProcess.TempDir("eval-all");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt")); // 32 px, 4 frames
        var physics = SynthPhysicsSet.GeneratePhysics(Path.Combine(dir, "physics"), new SynthOptions { TrainCount = 12, ValCount = 0, Seconds = 0.5, Fps = 8, Size = 32, Seed = 2 });
        var pairs = SynthPhysicsSet.GenerateVoe(Path.Combine(dir, "voe"), new SynthOptions { Seconds = 1, Fps = 8, Size = 32, Seed = 3, Groups = 2 });
        var outDir = Path.Combine(dir, "report");

        var r = JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "all", "--data", Path.Combine(dir, "physics", "train"),
            "--voe-data", pairs, "--probe-data", physics.ManifestPath, "--labels", "label", "--out", outDir);

        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("persistence", r.Stdout);
        Assert.Contains("Violation of expectation on 2 groups", r.Stdout);
        Assert.Contains("Frozen-feature probes", r.Stdout);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")));
        Assert.NotEmpty(report.RootElement.GetProperty("predict").GetProperty("levels").EnumerateArray());
        Assert.NotEmpty(report.RootElement.GetProperty("voe").GetProperty("levels").EnumerateArray());
        Assert.All(report.RootElement.GetProperty("probe").GetProperty("labels").EnumerateArray(), l => Assert.Equal("label", l.GetProperty("label").GetString()));
        Assert.True(File.Exists(Path.Combine(outDir, "report.html")));
        Assert.True(File.Exists(Path.Combine(outDir, "voe_surprise.csv")));

        // Without --voe-data and --probe-data, all is predict and says what it did not run.
        var only = JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "all", "--data", Path.Combine(dir, "physics", "train"), "--out", Path.Combine(dir, "only"));
        Assert.True(only.ExitCode == 0, only.Stdout + only.Stderr);
        Assert.Contains("Not run: voe and probe", only.Stdout + only.Stderr);
        using var onlyReport = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "only", "report.json")));
        Assert.False(onlyReport.RootElement.TryGetProperty("voe", out _));
    }

    [Fact]
    public void A_report_of_another_checkpoint_is_refused_before_any_work_and_overwrite_starts_a_fresh_one()
    {
        var dir = JepaProcess.TempDir("eval-identity");
        var a = TinyCheckpoint.Write(Path.Combine(dir, "a.ckpt"));
        var b = TinyCheckpoint.Write(Path.Combine(dir, "b.ckpt"));
        Assert.NotEqual(File.ReadAllBytes(a), File.ReadAllBytes(b));
        var val = Path.Combine(TestVideos.BouncingDir, "val");
        var report = Path.Combine(dir, "report", "report.json");
        JepaProcess.Result Predict(string ckpt, params string[] more) => JepaProcess.Run(dir, ["eval", "--checkpoint", ckpt, "--data", val, "--out", "report", .. more]);
        string RecordedPath()
        {
            using var json = JsonDocument.Parse(File.ReadAllText(report));
            var c = json.RootElement.GetProperty("checkpoint");
            Assert.Equal(TinyCheckpoint.Step, c.GetProperty("step").GetInt64());
            Assert.Equal(64, c.GetProperty("sha256").GetString()!.Length);
            return c.GetProperty("path").GetString()!;
        }

        var first = Predict(a);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal(a, RecordedPath());
        var written = File.ReadAllText(report);

        var refused = Predict(b);
        JepaProcess.AssertOneSentence(refused, $"{report} is the report of {a} (step 3), not of {b} (step 3); pass --overwrite to start a fresh report there");
        Assert.DoesNotContain("persistence", refused.Stdout);
        Assert.Equal(written, File.ReadAllText(report));

        // The same weights under another name are the same checkpoint: their results join the report.
        var copy = Path.Combine(dir, "a-copy.ckpt");
        File.Copy(a, copy);
        Assert.Equal(0, Predict(copy).ExitCode);
        Assert.Equal(copy, RecordedPath());

        File.WriteAllText(Path.Combine(dir, "report", "notes.txt"), "mine");
        File.WriteAllText(Path.Combine(dir, "report", "voe_surprise.csv"), "a's surprise");
        var fresh = Predict(b, "--overwrite");
        Assert.True(fresh.ExitCode == 0, fresh.Stderr);
        Assert.Equal(b, RecordedPath());
        Assert.False(File.Exists(Path.Combine(dir, "report", "voe_surprise.csv")), "a's voe results must not sit beside b's report");
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "report", "notes.txt")));
    }

    [Fact]
    public void Outputs_and_every_input_are_checked_before_any_model_runs_with_messages_that_say_what_to_pass()
    {
        var dir = JepaProcess.TempDir("eval-upfront");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "run", "checkpoints", "latest.ckpt"));
        var val = Path.Combine(TestVideos.BouncingDir, "val");
        File.WriteAllText(Path.Combine(dir, "taken"), "mine");
        Directory.CreateDirectory(Path.Combine(dir, "voeset"));
        File.WriteAllText(Path.Combine(dir, "voeset", "pairs.csv"), "path,group,plausible\n");

        var outFile = JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--data", val, "--out", "taken");
        JepaProcess.AssertOneSentence(outFile, $"--out {Path.Combine(dir, "taken")} is a file");
        Assert.DoesNotContain("persistence", outFile.Stdout);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "taken")));

        // Probe videos without labels: refused before predict runs, not after it.
        var unlabelled = JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "all", "--data", val, "--probe-data", val, "--out", "all");
        JepaProcess.AssertOneSentence(unlabelled, "has no label column");
        Assert.DoesNotContain("persistence", unlabelled.Stdout);
        Assert.False(Directory.Exists(Path.Combine(dir, "all")));

        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", "voeset"),
            $"--data '{Path.Combine(dir, "voeset")}' is a folder; pass the CSV in it: --data {Path.Combine(dir, "voeset", "pairs.csv")}");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", "run"), $"is a folder; pass a .ckpt file in it, such as {ckpt}");
        // The checkpoint's data.val (data/bouncing/val) is relative to where the run was trained.
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt), $"data.val 'data/bouncing/val' from the checkpoint finds no videos from {dir}: it is relative to the folder the run was trained in, so run jepa eval there or pass the held-out videos as --data");
    }
}
