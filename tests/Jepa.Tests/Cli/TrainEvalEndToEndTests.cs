using System.Text.Json;
using Jepa.Tests.TestSupport;

namespace Jepa.Tests.Cli;

public class TrainEvalEndToEndTests
{
    // A model small enough for a few seconds of CPU: 32 px, 4 frames, dim 32.
    private static readonly string[] Small =
    [
        "--set", "data.size=32", "--set", "data.frames=4", "--set", "model.dim=32", "--set", "model.heads=2",
        "--set", "model.predictor_dim=32", "--set", "model.depth=1", "--set", "model.predictor_depth=1",
        "--set", "train.batch_size=4", "--set", "train.warmup_steps=2", "--set", "log.every=2", "--set", "eval.clips=8",
    ];

    [Fact]
    public void Train_then_eval_leaves_a_complete_run_directory_and_report()
    {
        var dir = JepaProcess.TempDir("e2e");
        var data = TestVideos.BouncingDir;
        var run = Path.Combine(dir, "run");
        var train = JepaProcess.Run(dir, [
            "train", "--run-dir", run, "--set", $"data.train={data}/train", "--set", $"data.val={data}/val",
            "--set", "train.steps=6", "--set", "train.checkpoint_every=3", .. Small]);
        Assert.True(train.ExitCode == 0, train.Stdout + train.Stderr);

        foreach (var f in new[] { "config.yaml", "metrics.jsonl", "train.log", "checkpoints/latest.ckpt", "checkpoints/step-000003.ckpt", "checkpoints/step-000006.ckpt" })
            Assert.True(File.Exists(Path.Combine(run, f)), f + " missing");
        var rows = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, rows.Count);
        foreach (var key in new[] { "step", "loss", "loss_level1", "loss_level2", "lr", "grad_norm", "clips_per_s", "data_wait" })
            Assert.True(rows[^1].TryGetProperty(key, out _), key + " missing from metrics.jsonl");
        Assert.Equal(6, rows[^1].GetProperty("step").GetInt32());

        var eval = JepaProcess.Run(dir, "eval", "--checkpoint", Path.Combine(run, "checkpoints", "latest.ckpt"), "--task", "predict");
        Assert.True(eval.ExitCode == 0, eval.Stdout + eval.Stderr);
        Assert.Contains("persistence", eval.Stdout);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval", "report.json")));
        var predict = report.RootElement.GetProperty("predict").GetProperty("levels").EnumerateArray().ToList();
        Assert.Contains(predict, r => r.GetProperty("level").GetInt32() == 1 && r.GetProperty("horizon").GetInt32() == 1);
        Assert.Contains(predict, r => r.GetProperty("level").GetInt32() == 2 && r.GetProperty("horizon").GetInt32() == 1);
        foreach (var r in predict)
        {
            double model = r.GetProperty("model_l1").GetDouble(), persistence = r.GetProperty("persistence_l1").GetDouble();
            Assert.True(persistence > 0);
            Assert.Equal(model / persistence, r.GetProperty("ratio").GetDouble(), 6);
        }
        var collapse = report.RootElement.GetProperty("collapse").GetProperty("levels").EnumerateArray().ToList();
        Assert.Equal(2, collapse.Count);
        Assert.All(collapse, c => Assert.InRange(c.GetProperty("effective_rank").GetDouble(), 1.0, c.GetProperty("dim").GetDouble()));
    }

    [Fact]
    public void Training_into_an_existing_run_without_overwrite_is_refused_and_keeps_the_run()
    {
        var dir = JepaProcess.TempDir("refuse");
        var data = TestVideos.BouncingDir;
        string[] args = ["train", "--run-dir", "r", "--set", $"data.train={data}/train", "--set", "train.steps=3", .. Small];
        Assert.Equal(0, JepaProcess.Run(dir, args).ExitCode);
        var ckpt = Path.Combine(dir, "r", "checkpoints", "latest.ckpt");
        var before = File.ReadAllBytes(ckpt);
        var again = JepaProcess.Run(dir, args);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--overwrite", again.Stderr);
        Assert.Equal(before, File.ReadAllBytes(ckpt));

        // --overwrite replaces the run: its old TensorBoard events go with it.
        var stale = Path.Combine(dir, "r", "events.out.tfevents.1.old.1");
        File.WriteAllText(stale, "old");
        Assert.Equal(0, JepaProcess.Run(dir, [.. args, "--overwrite"]).ExitCode);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(ckpt));
    }
}
