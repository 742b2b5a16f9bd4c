using System.Diagnostics;
using System.Text.Json;
using Jepa.Tests.Cli;
using Jepa.Tests.TestSupport;
using Jepa.Training;

namespace Jepa.Tests.Training;

/// <summary>Runs that survive: kill -9, damaged checkpoints, SIGTERM, a NaN, a failed write — all done for real.</summary>
public class ResumeTests
{
    private static string[] Args(string runDir, int steps, params string[] more) =>
    [
        "train", "--run-dir", runDir,
        "--set", $"data.train={TestVideos.BouncingDir}/train", "--set", $"train.steps={steps}",
        "--set", "data.size=32", "--set", "data.frames=4", "--set", "model.dim=32", "--set", "model.heads=2",
        "--set", "model.predictor_dim=32", "--set", "model.depth=1", "--set", "model.predictor_depth=1",
        "--set", "train.batch_size=4", "--set", "train.warmup_steps=1", "--set", "log.every=1",
        "--set", "train.checkpoint_every=2", "--set", "train.threads=1", "--set", "eval.every=0", .. more,
    ];

    private static List<(int Step, double Loss)> Losses(string runDir) =>
        File.ReadAllLines(Path.Combine(runDir, "metrics.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("step").GetInt32(), e.GetProperty("loss").GetDouble()))
            .ToList();

    private static void AssertEveryCheckpointWhole(string runDir)
    {
        foreach (var f in Directory.GetFiles(Path.Combine(runDir, "checkpoints"), "*.ckpt"))
            Assert.True(Checkpoint.IsValid(f, out var problem), problem);
    }

    private static void AssertOk(JepaProcess.Result r) => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");

    [Fact]
    public void A_run_killed_with_sigkill_and_resumed_matches_an_uninterrupted_run_step_for_step()
    {
        var dir = JepaProcess.TempDir("kill");
        AssertOk(JepaProcess.Run(dir, Args("full", 12)));

        // Kill as soon as the first checkpoint exists, then resume; twice, at different moments.
        var first = JepaProcess.Start(dir, Args("killed", 12));
        var ckpt = Path.Combine(dir, "killed", "checkpoints", "step-000002.ckpt");
        WaitUntil(() => File.Exists(ckpt), first);
        first.Kill(entireProcessTree: true);
        first.WaitForExit();
        Assert.True(File.Exists(ckpt), "the run should have written its first checkpoint before the kill");

        var second = JepaProcess.Start(dir, Args("killed", 12, "--resume", "auto"));
        var later = Path.Combine(dir, "killed", "checkpoints", "step-000006.ckpt");
        WaitUntil(() => File.Exists(later), second);
        second.Kill(entireProcessTree: true);
        second.WaitForExit();

        AssertOk(JepaProcess.Run(dir, Args("killed", 12, "--resume", "auto")));
        var expected = Losses(Path.Combine(dir, "full"));
        var actual = Losses(Path.Combine(dir, "killed"));
        Assert.Equal(expected.Select(e => e.Step), actual.Select(a => a.Step));
        foreach (var (e, a) in expected.Zip(actual)) Assert.True(Math.Abs(e.Loss - a.Loss) <= 1e-5, $"step {e.Step}: {e.Loss} vs {a.Loss}");
        AssertEveryCheckpointWhole(Path.Combine(dir, "killed"));
    }

    [Fact]
    public void Resume_auto_skips_a_damaged_latest_checkpoint_and_continues_from_the_one_before()
    {
        var dir = JepaProcess.TempDir("damaged");
        AssertOk(JepaProcess.Run(dir, Args("r", 4)));
        var checkpoints = Path.Combine(dir, "r", "checkpoints");
        foreach (var name in new[] { "latest.ckpt", "step-000004.ckpt" })
        {
            var path = Path.Combine(checkpoints, name);
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0xFF;
            File.WriteAllBytes(path, bytes);
        }
        Assert.False(Checkpoint.IsValid(Path.Combine(checkpoints, "latest.ckpt"), out _));

        var r = JepaProcess.Run(dir, Args("r", 6, "--resume", "auto"));
        AssertOk(r);
        Assert.Contains("Skipping damaged checkpoint", r.Stdout);
        Assert.Contains("Resumed from " + Path.Combine(checkpoints, "step-000002.ckpt") + " at step 2", r.Stdout);
        Assert.Equal(6, Checkpoint.ReadHeader(Path.Combine(checkpoints, "latest.ckpt")).Step);
    }

    [Fact]
    public void Sigterm_finishes_the_step_writes_a_fresh_checkpoint_and_exits_130()
    {
        var dir = JepaProcess.TempDir("sigterm");
        var args = Args("r", 100000, "--set", "train.checkpoint_every=100000");
        var process = JepaProcess.Start(dir, args);
        var metrics = Path.Combine(dir, "r", "metrics.jsonl");
        WaitUntil(() => File.Exists(metrics) && File.ReadAllLines(metrics).Length >= 3, process);
        Assert.Equal(0, Kill(process.Id, "TERM"));
        var r = JepaProcess.Wait(process, args);
        Assert.Equal(130, r.ExitCode);
        var latest = Path.Combine(dir, "r", "checkpoints", "latest.ckpt");
        Assert.True(Checkpoint.IsValid(latest, out var problem), problem);
        Assert.True(Checkpoint.ReadHeader(latest).Step >= 3);
        Assert.Contains("--resume auto", r.Stdout);
    }

    [Fact]
    public void Resuming_with_another_architecture_is_refused_naming_what_differs()
    {
        var dir = JepaProcess.TempDir("arch");
        AssertOk(JepaProcess.Run(dir, Args("r", 2)));
        var r = JepaProcess.Run(dir, Args("r", 4, "--resume", "auto", "--set", "model.dim=64"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("model.dim 32 in the checkpoint, 64 in the config", r.Stderr);
    }

    [Fact]
    public void Non_finite_steps_are_skipped_then_the_run_stops_naming_the_step_and_the_last_good_checkpoint()
    {
        var dir = JepaProcess.TempDir("nan");
        // A learning rate of 1e30 blows the weights up within a few steps.
        var r = JepaProcess.Run(dir, Args("r", 50, "--set", "train.lr=1e30", "--set", "train.min_lr=0", "--set", "train.max_bad_steps=3", "--set", "train.checkpoint_every=1"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("non-finite steps in a row", r.Stderr);
        Assert.Contains("last good checkpoint", r.Stderr);
        AssertEveryCheckpointWhole(Path.Combine(dir, "r"));
    }

    [Fact]
    public void A_checkpoint_that_cannot_be_written_leaves_the_previous_one_intact_and_the_run_goes_on()
    {
        var dir = JepaProcess.TempDir("nowrite");
        AssertOk(JepaProcess.Run(dir, Args("r", 2)));
        var checkpoints = Path.Combine(dir, "r", "checkpoints");
        // A folder where the next checkpoint's temporary file must go: the write fails as on a full disk.
        Directory.CreateDirectory(Path.Combine(checkpoints, "step-000004.ckpt.tmp"));
        var before = File.ReadAllBytes(Path.Combine(checkpoints, "step-000002.ckpt"));

        var r = JepaProcess.Run(dir, Args("r", 6, "--resume", "auto"));
        AssertOk(r);
        Assert.Contains("could not write a checkpoint", r.Stdout);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(checkpoints, "step-000002.ckpt")));
        Assert.Equal(6, Checkpoint.ReadHeader(Path.Combine(checkpoints, "latest.ckpt")).Step);
    }

    [Fact]
    public void A_second_trainer_on_a_run_directory_in_use_is_refused()
    {
        var dir = JepaProcess.TempDir("lock");
        var args = Args("r", 100000, "--set", "train.checkpoint_every=100000");
        var first = JepaProcess.Start(dir, args);
        try
        {
            var metrics = Path.Combine(dir, "r", "metrics.jsonl");
            WaitUntil(() => File.Exists(metrics), first);
            var second = JepaProcess.Run(dir, Args("r", 10, "--resume", "auto"));
            Assert.Equal(2, second.ExitCode);
            Assert.Contains("in use by another jepa process", second.Stderr);
        }
        finally
        {
            first.Kill(entireProcessTree: true);
            first.WaitForExit();
        }
        // The lock dies with its process, even on kill -9: the run can be resumed.
        AssertOk(JepaProcess.Run(dir, Args("r", 2, "--resume", "auto")));
    }

    /// <summary>Polls until the condition holds, the process has ended, or two minutes pass.</summary>
    private static void WaitUntil(Func<bool> condition, Process process)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(20);
    }

    private static int Kill(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString()]);
        kill.WaitForExit();
        return kill.ExitCode;
    }
}
